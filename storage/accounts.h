// Local accounts and their sessions (schema migration 5): one account per
// roster person, found by username; login bookkeeping (failures, lockout);
// sessions keyed by the SHA-256 of their token; a TOTP secret and single-use
// recovery codes.
//
// What is stored, and how (docs/auth-*.md):
// - passwords only as the self-describing scrypt string the server computes
//   (server/password_hash.h); this module never sees a password;
// - session tokens and recovery codes only as SHA-256 hashes (the caller
//   hashes; a raw token never reaches the database);
// - the TOTP secret AES-256-GCM encrypted under the service key
//   "accounts_key" (Vault::serviceKey, wrapped under the master key), with
//   associated data "lessonvault totp v1" || account id, so a database copy
//   alone does not give the second factor away, and a blob moved to another
//   account does not open.
//
// Every change is audited in its own transaction. Audit entries carry the
// account id as object, never a username or a name; actors are person ids,
// "system" or "cli:uid<N>".
//
// Thread safety: as Vault (every call may come from any thread).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/people.h"
#include "storage/vault.h"

namespace storage {

using TokenHash = std::array<std::uint8_t, kSha256Size>;

// Bytes that are wiped when destroyed (a decrypted TOTP secret).
class WipedBytes {
 public:
  WipedBytes() = default;
  explicit WipedBytes(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  WipedBytes(WipedBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {}
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
  WipedBytes& operator=(WipedBytes&&) = delete;
  ~WipedBytes() { cleanse(bytes_); }
  Bytes bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

struct Account {
  std::string id;  // 32 hex
  acl::PersonId person = 0;
  std::string username;
  std::string display_name;  // the person's, from the roster
  std::vector<acl::Role> roles;  // the person's, from the roster
  std::string password_hash;
  bool must_change_password = false;
  bool active = true;
  std::string language;  // "nl" or "en"
  bool totp_enrolled = false;
  std::int64_t totp_last_step = 0;  // the last TOTP time step accepted (no reuse)
  int failed_logins = 0;            // since the last success or unlock
  int lockouts = 0;                 // lockouts since the last success or unlock (backoff)
  std::int64_t locked_until = 0;    // unix seconds; 0 or past: not locked
  std::int64_t created_at = 0;
};

struct Session {
  Account account;
  std::int64_t created_at = 0;
  std::int64_t last_seen = 0;
  std::string csrf_token;  // 64 hex
};

// 3–64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or a
// digit. Usernames are stored and looked up in lower case (the caller folds).
bool isValidUsername(std::string_view username);

// Creates an account for `person` (which must exist: kNotFound otherwise).
// kConstraint when the username is taken or the person already has an
// account; kInvalidArgument for a malformed username. Audited as
// create_account on the new account id.
Result<Account> createAccount(Vault& vault, acl::PersonId person, std::string_view username,
                              std::string_view password_hash, bool must_change_password,
                              std::int64_t now, const std::string& actor);

Result<std::optional<Account>> findAccountByUsername(Vault& vault, std::string_view username);
Result<std::optional<Account>> findAccount(Vault& vault, std::string_view id);
Result<std::optional<Account>> findAccountOfPerson(Vault& vault, acl::PersonId person);
// Every account, by username.
Result<std::vector<Account>> listAccounts(Vault& vault);
// Whether an active account belongs to a person with role admin.
Result<bool> activeAdminExists(Vault& vault);

// Replaces the password hash and sets must_change_password; ends every
// session of the account except `keep` (the session that changed it).
// Audited as `action` (change_password, reset_password) on the account.
Status setPassword(Vault& vault, std::string_view account, std::string_view password_hash,
                   bool must_change_password, const std::optional<TokenHash>& keep,
                   std::int64_t now, const std::string& actor, std::string_view action);

// Clears the failure count and any lockout (audited as unlock_account).
Status unlockAccount(Vault& vault, std::string_view account, std::int64_t now,
                     const std::string& actor);

// Deactivates the account and ends its sessions (audited as deactivate_account).
Status deactivateAccount(Vault& vault, std::string_view account, std::int64_t now,
                         const std::string& actor);

// --- for the operator CLI ---
// The person with the school's `external_id`, if any.
Result<std::optional<acl::PersonId>> personByExternalId(Vault& vault, std::string_view external_id);
// Gives `person` the role (audited as grant_role on the person, with the role
// as reason); nothing changes when they hold it already. A later roster
// import sets roles to the file's again.
Status grantRole(Vault& vault, acl::PersonId person, acl::Role role, std::int64_t now,
                 const std::string& actor);

// --- login bookkeeping ---
struct LockoutPolicy {
  int threshold = 5;                    // failures in a row that lock the account
  std::int64_t lockout_s = 300;         // the first lockout; each further one doubles
  std::int64_t max_lockout_s = 86400;  // the longest lockout
};

// Counts a failed login and locks the account when the count reaches the
// threshold (the count then starts again, and the next lockout is twice as
// long). Audited as login denied with `reason`. Returns locked_until (0 when
// the account is not locked by this failure).
Result<std::int64_t> recordLoginFailure(Vault& vault, std::string_view account,
                                        const LockoutPolicy& policy, std::int64_t now,
                                        std::string_view reason);

// A successful login: resets the failure count, removes the account's
// sessions that `expired_before` says are over (created before
// `absolute_before` or last seen before `idle_before`), stores the new session
// and audits login done (actor: the person). `reason` says how the second
// factor was given ("", "totp", "recovery_code").
Status startSession(Vault& vault, const Account& account, const TokenHash& token_hash,
                    std::string_view csrf_token, std::int64_t now, std::int64_t idle_before,
                    std::int64_t absolute_before, std::string_view reason);

// The session and its account, or nullopt. Expiry is the caller's decision.
Result<std::optional<Session>> findSession(Vault& vault, const TokenHash& token_hash);
Status touchSession(Vault& vault, const TokenHash& token_hash, std::int64_t now);
// Ends one session; audited as `action` (logout, session_expired) on the account.
Status endSession(Vault& vault, const TokenHash& token_hash, std::int64_t now,
                  const std::string& actor, std::string_view action);

// --- TOTP ---
// Stores a new, not yet confirmed secret (replacing an earlier unconfirmed one).
Status setPendingTotp(Vault& vault, std::string_view account, Bytes secret, std::int64_t now,
                      const std::string& actor);
// The confirmed secret (or, with `pending`, the unconfirmed one), decrypted;
// nullopt when there is none.
Result<std::optional<WipedBytes>> totpSecret(Vault& vault, std::string_view account, bool pending);
// Makes the pending secret the account's, records `step` as used and replaces
// the recovery codes by `recovery_hashes`. kNotFound when nothing is pending.
Status confirmTotp(Vault& vault, std::string_view account, std::int64_t step,
                   const std::vector<TokenHash>& recovery_hashes, std::int64_t now,
                   const std::string& actor);
// Records `step` as used when it is later than the last one used; false when
// it is not (a code replayed).
Result<bool> claimTotpStep(Vault& vault, std::string_view account, std::int64_t step);
// Removes the recovery code with this hash; false when there is none (used or wrong).
Result<bool> useRecoveryCode(Vault& vault, std::string_view account, const TokenHash& code_hash);
Result<int> recoveryCodesLeft(Vault& vault, std::string_view account);

}  // namespace storage
