// The auth service: logins (password, then TOTP when enrolled) with backoff and
// lockout, sessions behind the __Host-lv_session cookie, CSRF checks, password
// changes, TOTP enrolment, and the admin's account management. It turns a
// request into a Principal (server/principal.h) for every other route.
//
// Time: every method that depends on it takes `now` (unix seconds) from its
// caller, so tests move the clock; routes ask now(), which is the real clock
// unless a test gave the service another one.
//
// Errors are thrown as HttpError (server/http_error.h); a storage failure is a
// std::runtime_error (answered 500 by RequestHandler). Thread-safe: routes call
// one shared instance from many server threads.
//
// Decisions (docs/auth-sessions.md, docs/auth-passwords.md, docs/auth-totp.md):
// - session token: 256 random bits as 64 hex digits, stored only as SHA-256;
//   the session ends after auth.session_idle_s without a request (last_seen is
//   written at most every 15 s, so idleness is measured to within 15 s) or
//   auth.session_absolute_s after login;
// - an account whose roles need TOTP (auth.totp_required_roles) but has none
//   logs in to a restricted session: Principal::must_enroll_totp is set and
//   requireSession() refuses every route but self-service (me, password,
//   TOTP enrolment, logout) with 403 totp_enrollment_required;
// - failed logins lock the account (auth.lockout_threshold, doubling lockouts)
//   and the client address (auth.address_lockout_threshold); unknown usernames
//   are counted like accounts (in memory), so a lockout does not reveal which
//   usernames exist. Address and unknown-username counts are in memory and
//   start again when the server restarts; account counts are in the database.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Net/HTTPServerRequest.h>

#include "acl/people.h"
#include "server/config.h"
#include "server/http_error.h"
#include "server/password_hash.h"
#include "server/principal.h"
#include "storage/accounts.h"

namespace storage {
class Vault;
}

namespace server {

inline constexpr std::string_view kSessionCookie = "__Host-lv_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct AuthSettings {
  ScryptParams scrypt;
  int max_concurrent_hashes = 2;
  PasswordPolicy password_policy;
  std::int64_t session_idle_s = 1800;
  std::int64_t session_absolute_s = 43200;
  std::vector<acl::Role> totp_required_roles = {acl::Role::kAdmin, acl::Role::kPrivacyOfficer};
  std::string public_origin = "http://127.0.0.1:8080";
  std::vector<std::string> cors_origins;  // also accepted as Origin (server.cors_origins)
  storage::LockoutPolicy account_lockout;
  int address_threshold = 30;
  std::int64_t address_lockout_s = 300;
  std::string totp_issuer = "LessonVault";

  static AuthSettings fromConfig(const Config& config);
};

// A live session as the auth routes see it: the Principal plus what /api/me shows.
struct SessionInfo {
  Principal principal;
  storage::TokenHash token_hash{};
  std::string username;
  std::vector<acl::Role> roles;
  std::string language;
  bool totp_enrolled = false;
};

// Too many failed logins: 429 too_many_attempts, with the seconds to wait.
class LoginThrottled : public HttpError {
 public:
  explicit LoginThrottled(std::int64_t retry_after);
  std::int64_t retryAfter() const { return retry_after_; }

 private:
  std::int64_t retry_after_;
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> totp;  // a 6-digit code or a recovery code
  std::string client_address;
};

struct LoginResult {
  std::string token;  // the raw session token, for the cookie only
  SessionInfo session;
};

struct TotpEnrolment {
  std::string secret;  // base32
  std::string uri;     // otpauth://
};

struct IssuedPassword {
  storage::Account account;
  std::string password;  // one-time: shown once, must be changed at first login
};

class AuthService {
 public:
  using Clock = std::function<std::int64_t()>;
  static std::int64_t systemClock();

  AuthService(std::shared_ptr<storage::Vault> vault, AuthSettings settings,
              Clock clock = systemClock);

  std::int64_t now() const { return clock_(); }
  const AuthSettings& settings() const { return settings_; }
  PasswordHasher& hasher() { return hasher_; }

  // --- the contract for other routes ---
  // The session behind the request's cookie, or nullopt (no cookie, unknown,
  // expired, inactive account). Touches the session (idle timer).
  std::optional<Principal> authenticate(const Poco::Net::HTTPServerRequest& request,
                                        std::int64_t now);
  // Throws HttpError 403 csrf_failed unless the request carries the session's
  // X-CSRF-Token (compared in constant time) and Origin: server.public_origin.
  void requireCsrf(const Poco::Net::HTTPServerRequest& request, const Principal& principal) const;
  // Throws HttpError 403 csrf_failed unless Origin is server.public_origin (login).
  void requireOrigin(const Poco::Net::HTTPServerRequest& request) const;

  // --- sessions ---
  std::optional<SessionInfo> session(const Poco::Net::HTTPServerRequest& request,
                                     std::int64_t now);
  std::optional<SessionInfo> sessionFromToken(std::string_view token, std::int64_t now);
  // Throws 400 for malformed input, 401 invalid_credentials / totp_required /
  // invalid_totp, LoginThrottled.
  LoginResult login(LoginRequest request, std::int64_t now);
  void logout(const SessionInfo& session, std::int64_t now);

  // --- self-service ---
  // Throws 403 invalid_credentials (wrong current password; counted as a
  // failed login), 400 weak_password. Ends every other session of the account.
  void changePassword(const SessionInfo& session, std::string current, std::string next,
                      std::int64_t now);
  // Throws 409 totp_already_enrolled.
  TotpEnrolment startTotpEnrolment(const SessionInfo& session, std::int64_t now);
  // The 10 recovery codes, shown once. Throws 409 no_totp_enrolment, 400 invalid_totp.
  std::vector<std::string> confirmTotpEnrolment(const SessionInfo& session, std::string_view code,
                                                std::int64_t now);

  // --- account management (admin routes and lessonvault-admin) ---
  // Throws 404 unknown_person, 409 account_exists / username_taken, 400 invalid_field.
  IssuedPassword createAccount(acl::PersonId person, std::string_view username,
                               std::int64_t now, const std::string& actor);
  // Throws 404 not_found for an unknown account id.
  IssuedPassword resetPassword(std::string_view account, std::int64_t now,
                               const std::string& actor);
  void unlock(std::string_view account, std::int64_t now, const std::string& actor);
  void deactivate(std::string_view account, std::int64_t now, const std::string& actor);
  std::vector<storage::Account> accounts();
  // Throws 403 forbidden (audited) unless the principal may manage accounts.
  void requireAccountManager(const Principal& principal, std::int64_t now);

  storage::Vault& vault() { return *vault_; }

 private:
  struct Throttle {
    int failures = 0;
    std::int64_t last_failure = 0;
    std::int64_t locked_until = 0;
  };
  // In-memory counters (addresses, unknown usernames), bounded in size.
  class ThrottleTable {
   public:
    std::int64_t lockedUntil(const std::string& key, std::int64_t now);
    // Returns locked_until (0 if this failure does not lock).
    std::int64_t fail(const std::string& key, int threshold, std::int64_t lockout_s,
                      std::int64_t now);
    void clear(const std::string& key);

   private:
    std::mutex mutex_;
    std::map<std::string, Throttle> entries_;
  };

  [[noreturn]] void denyLogin(std::string_view object, std::string_view reason,
                              const std::string& address, std::int64_t now,
                              std::optional<std::string_view> account_to_count);
  bool secondFactorOk(const storage::Account& account, std::string_view given, std::int64_t now,
                      std::string& how);
  bool totpRequired(const std::vector<acl::Role>& roles) const;
  SessionInfo describe(const storage::Session& session, const storage::TokenHash& hash) const;
  std::string checkedNewPassword(std::string_view password, const storage::Account& account);

  std::shared_ptr<storage::Vault> vault_;
  const AuthSettings settings_;
  const Clock clock_;
  PasswordHasher hasher_;
  ThrottleTable addresses_;
  ThrottleTable unknown_users_;
};

// Which routes a restricted session may use.
enum class SessionUse {
  kAny,          // every route but the self-service ones
  kSelfService,  // /api/me, /api/me/password, /api/me/totp*, /api/logout
};

// The helper every route calls first: the request's Principal, or it throws
// HttpError 401 not_authenticated (no live session), 403
// password_change_required (must_change_password, unless kSelfService), 403
// totp_enrollment_required (TOTP required but not enrolled, unless
// kSelfService), or — for POST, PUT, PATCH and DELETE — 403 csrf_failed
// (AuthService::requireCsrf).
Principal requireSession(AuthService& auth, const Poco::Net::HTTPServerRequest& request,
                         std::int64_t now, SessionUse use = SessionUse::kAny);

}  // namespace server
