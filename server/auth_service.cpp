#include "server/auth_service.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include <Poco/Logger.h>
#include <Poco/Net/NameValueCollection.h>

#include "acl/policy.h"
#include "server/auth_crypto.h"
#include "server/auth_internal.h"
#include "server/cors.h"
#include "server/totp.h"
#include "storage/recording_repo.h"
#include "storage/vault.h"

namespace server {

using namespace auth_detail;

namespace {

// last_seen is written at most this often: a session read by every media
// segment request would otherwise write the database each time.
constexpr std::int64_t kTouchEveryS = 15;
constexpr std::size_t kMaxThrottleEntries = 100000;
constexpr std::size_t kMaxUsernameBytes = 64;
constexpr std::size_t kMaxTotpBytes = 64;

// A recovery code's 16 base32 characters, from "abcd-efgh-..." as typed.
std::optional<std::string> normalizedRecoveryCode(std::string_view given) {
  std::string code;
  for (char c : given) {
    if (c == '-' || c == ' ') continue;
    code += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (code.size() != 16 || code.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") !=
                               std::string::npos) {
    return std::nullopt;
  }
  return code;
}

}  // namespace

AuthSettings AuthSettings::fromConfig(const Config& config) {
  AuthSettings settings;
  settings.scrypt.log_n = config.scrypt_log_n;
  settings.max_concurrent_hashes = config.max_concurrent_hashes;
  settings.password_policy.min_length = static_cast<std::size_t>(config.password_min_length);
  settings.session_idle_s = config.session_idle_s;
  settings.session_absolute_s = config.session_absolute_s;
  settings.totp_required_roles.clear();
  if (!config.totp_required_roles.empty()) {
    for (const auto& name : splitCategories(config.totp_required_roles)) {
      if (auto role = acl::parseRole(name)) settings.totp_required_roles.push_back(*role);
    }
  }
  settings.public_origin = config.public_origin;
  settings.cors_origins = splitOrigins(config.cors_origins);
  settings.account_lockout.threshold = config.lockout_threshold;
  settings.account_lockout.lockout_s = config.lockout_s;
  settings.address_threshold = config.address_lockout_threshold;
  settings.address_lockout_s = config.address_lockout_s;
  return settings;
}

LoginThrottled::LoginThrottled(std::int64_t retry_after)
    : HttpError(HTTPResponse::HTTP_TOO_MANY_REQUESTS, "too_many_attempts",
                "Too many failed logins; try again in " + std::to_string(retry_after) +
                    " seconds."),
      retry_after_(retry_after) {}

// --- ThrottleTable -----------------------------------------------------------

std::int64_t AuthService::ThrottleTable::lockedUntil(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  return it != entries_.end() && it->second.locked_until > now ? it->second.locked_until : 0;
}

std::int64_t AuthService::ThrottleTable::fail(const std::string& key, int threshold,
                                              std::int64_t lockout_s, std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxThrottleEntries) {
    // Forget what no longer counts; if a flood of distinct keys remains, forget
    // the lot rather than grow without bound.
    std::erase_if(entries_, [&](const auto& entry) {
      return entry.second.locked_until <= now && now - entry.second.last_failure > lockout_s;
    });
    if (entries_.size() >= kMaxThrottleEntries) entries_.clear();
  }
  Throttle& entry = entries_[key];
  // Failures count towards a lock while each comes within lockout_s of the last.
  if (now - entry.last_failure > lockout_s) entry.failures = 0;
  entry.last_failure = now;
  if (++entry.failures < threshold) return 0;
  entry.failures = 0;
  entry.locked_until = now + lockout_s;
  return entry.locked_until;
}

void AuthService::ThrottleTable::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

// --- AuthService -------------------------------------------------------------

std::int64_t AuthService::systemClock() { return static_cast<std::int64_t>(std::time(nullptr)); }

AuthService::AuthService(std::shared_ptr<storage::Vault> vault, AuthSettings settings, Clock clock)
    : vault_(std::move(vault)),
      settings_(std::move(settings)),
      clock_(std::move(clock)),
      hasher_(settings_.scrypt, settings_.max_concurrent_hashes) {}

bool AuthService::totpRequired(const std::vector<acl::Role>& roles) const {
  return std::ranges::any_of(roles, [&](acl::Role role) {
    return std::ranges::find(settings_.totp_required_roles, role) !=
           settings_.totp_required_roles.end();
  });
}

SessionInfo AuthService::describe(const storage::Session& session,
                                  const storage::TokenHash& hash) const {
  const storage::Account& account = session.account;
  SessionInfo info;
  info.principal.account_id = account.id;
  info.principal.person = account.person;
  info.principal.display_name = account.display_name;
  info.principal.csrf_token = session.csrf_token;
  info.principal.must_change_password = account.must_change_password;
  info.principal.must_enroll_totp = totpRequired(account.roles) && !account.totp_enrolled;
  info.token_hash = hash;
  info.username = account.username;
  info.roles = account.roles;
  info.language = account.language;
  info.totp_enrolled = account.totp_enrolled;
  return info;
}

std::optional<SessionInfo> AuthService::sessionFromToken(std::string_view token,
                                                         std::int64_t now) {
  if (token.size() != 64 || token.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return std::nullopt;
  }
  const storage::TokenHash hash = sha256(token);
  auto found = value(storage::findSession(*vault_, hash), "finding a session");
  if (!found || !found->account.active) return std::nullopt;
  if (now - found->created_at >= settings_.session_absolute_s ||
      now - found->last_seen >= settings_.session_idle_s) {
    check(storage::endSession(*vault_, hash, now, "system", "session_expired"),
          "ending an expired session");
    return std::nullopt;
  }
  if (now - found->last_seen >= kTouchEveryS) {
    check(storage::touchSession(*vault_, hash, now), "touching a session");
  }
  return describe(*found, hash);
}

std::optional<SessionInfo> AuthService::session(const Poco::Net::HTTPServerRequest& request,
                                                std::int64_t now) {
  Poco::Net::NameValueCollection cookies;
  request.getCookies(cookies);
  const std::string token = cookies.get(std::string(kSessionCookie), "");
  if (token.empty()) return std::nullopt;
  return sessionFromToken(token, now);
}

std::optional<Principal> AuthService::authenticate(const Poco::Net::HTTPServerRequest& request,
                                                   std::int64_t now) {
  auto info = session(request, now);
  if (!info) return std::nullopt;
  return std::move(info->principal);
}

void AuthService::requireOrigin(const Poco::Net::HTTPServerRequest& request) const {
  if (!request.has("Origin")) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "csrf_failed",
                    "The request has no Origin header.");
  }
  const std::string origin = request.get("Origin");
  if (origin != settings_.public_origin &&
      std::ranges::find(settings_.cors_origins, origin) == settings_.cors_origins.end()) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "csrf_failed",
                    "The request's Origin is not this service's origin.");
  }
}

void AuthService::requireCsrf(const Poco::Net::HTTPServerRequest& request,
                              const Principal& principal) const {
  const std::string header(kCsrfHeader);
  if (!request.has(header)) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "csrf_failed",
                    "The request has no X-CSRF-Token header.");
  }
  if (!constantTimeEquals(request.get(header), principal.csrf_token)) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "csrf_failed",
                    "The X-CSRF-Token header does not match the session.");
  }
  requireOrigin(request);
}

void AuthService::denyLogin(std::string_view object, std::string_view reason,
                            const std::string& address, std::int64_t now,
                            std::optional<std::string_view> account_to_count) {
  if (account_to_count) {
    (void)value(storage::recordLoginFailure(*vault_, *account_to_count, settings_.account_lockout,
                                            now, reason),
                "recording a failed login");
  } else {
    check(vault_->audit({now, "system", "login", std::string(object), "denied",
                         std::string(reason)}),
          "auditing a failed login");
  }
  if (addresses_.fail(address, settings_.address_threshold, settings_.address_lockout_s, now)) {
    Poco::Logger::get("lessonvault.auth")
        .warning("client address " + address + " blocked after repeated failed logins");
  }
  if (reason == "bad_totp") {
    throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "invalid_totp",
                    "The code is wrong or was already used.");
  }
  throw invalidCredentials();
}

bool AuthService::secondFactorOk(const storage::Account& account, std::string_view given,
                                 std::int64_t now, std::string& how) {
  if (given.size() == static_cast<std::size_t>(kTotpDigits)) {
    auto secret = value(storage::totpSecret(*vault_, account.id, false), "reading a TOTP secret");
    if (!secret) return false;
    const auto step = matchTotp(secret->bytes(), given, now);
    if (!step || !value(storage::claimTotpStep(*vault_, account.id, *step), "claiming a step")) {
      return false;
    }
    how = "totp";
    return true;
  }
  const auto code = normalizedRecoveryCode(given);
  if (!code) return false;
  if (!value(storage::useRecoveryCode(*vault_, account.id, recoveryHash(account.id, *code)),
             "using a recovery code")) {
    return false;
  }
  how = "recovery_code";
  return true;
}

LoginResult AuthService::login(LoginRequest request, std::int64_t now) {
  struct Wipe {
    LoginRequest& r;
    ~Wipe() {
      wipe(r.password);
      if (r.totp) wipe(*r.totp);
    }
  } wipe_on_exit{request};
  const std::string username = lowerAscii(request.username);
  if (username.empty() || username.size() > kMaxUsernameBytes) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "username: expected 1 to 64 characters.");
  }
  if (request.password.empty() || request.password.size() > settings_.password_policy.max_bytes) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "password: expected 1 to " +
                        std::to_string(settings_.password_policy.max_bytes) + " bytes.");
  }
  if (request.totp && (request.totp->empty() || request.totp->size() > kMaxTotpBytes)) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "totp: expected a 6-digit code or a recovery code.");
  }
  const std::string& address = request.client_address;
  if (const auto until = addresses_.lockedUntil(address, now)) throw LoginThrottled(until - now);

  auto account = value(storage::findAccountByUsername(*vault_, username), "finding an account");
  if (!account) {
    if (const auto until = unknown_users_.lockedUntil(username, now)) {
      throw LoginThrottled(until - now);
    }
    hasher_.verifyDummy(request.password);
    (void)unknown_users_.fail(username, settings_.account_lockout.threshold,
                              settings_.account_lockout.lockout_s, now);
    denyLogin("unknown", "unknown_account", address, now, std::nullopt);
  }
  if (account->locked_until > now) {
    check(vault_->audit({now, "system", "login", account->id, "denied", "locked"}),
          "auditing a locked login");
    throw LoginThrottled(account->locked_until - now);
  }
  const bool password_ok = hasher_.verify(request.password, account->password_hash);
  if (!password_ok) denyLogin(account->id, "bad_password", address, now, account->id);
  if (!account->active) denyLogin(account->id, "inactive", address, now, std::nullopt);

  std::string how;
  if (account->totp_enrolled) {
    if (!request.totp) {
      throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "totp_required",
                      "Enter the code from your authenticator app (or a recovery code).");
    }
    if (!secondFactorOk(*account, *request.totp, now, how)) {
      denyLogin(account->id, "bad_totp", address, now, account->id);
    }
  }

  LoginResult result;
  result.token = randomHex(32);
  const storage::TokenHash hash = sha256(result.token);
  check(storage::startSession(*vault_, *account, hash, randomHex(32), now,
                              now - settings_.session_idle_s, now - settings_.session_absolute_s,
                              how),
        "starting a session");
  auto stored = value(storage::findSession(*vault_, hash), "reading the new session");
  if (!stored) throw std::runtime_error("the new session vanished");
  result.session = describe(*stored, hash);
  return result;
}

void AuthService::logout(const SessionInfo& session, std::int64_t now) {
  check(storage::endSession(*vault_, session.token_hash, now,
                            std::to_string(session.principal.person), "logout"),
        "ending a session");
}

Principal requireSession(AuthService& auth, const Poco::Net::HTTPServerRequest& request,
                         std::int64_t now, SessionUse use) {
  auto principal = auth.authenticate(request, now);
  if (!principal) {
    throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "not_authenticated", "Log in first.");
  }
  const std::string& method = request.getMethod();
  if (method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE") {
    auth.requireCsrf(request, *principal);
  }
  if (use == SessionUse::kAny && principal->must_change_password) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "password_change_required",
                    "Change your password first (POST /api/me/password).");
  }
  if (use == SessionUse::kAny && principal->must_enroll_totp) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "totp_enrollment_required",
                    "Set up two-step verification first (POST /api/me/totp).");
  }
  return std::move(*principal);
}

}  // namespace server
