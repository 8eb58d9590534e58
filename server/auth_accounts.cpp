// AuthService, the account side: changing passwords, TOTP enrolment, and the admin's
// account management (create, reset, unlock, deactivate). Logins and sessions:
// auth_service.cpp.
#include "server/auth_service.h"

#include <Poco/Logger.h>

#include "server/auth_internal.h"
#include "server/totp.h"
#include "storage/recording_repo.h"
#include "storage/vault.h"

namespace server {

using namespace auth_detail;

std::string AuthService::checkedNewPassword(std::string_view password,
                                            const storage::Account& account) {
  if (auto problem = checkPassword(password, settings_.password_policy, account.username,
                                   account.display_name)) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "weak_password", *problem);
  }
  return hasher_.hash(password);
}

void AuthService::changePassword(const SessionInfo& session, std::string current,
                                 std::string next, std::int64_t now) {
  struct Wipe {
    std::string& a;
    std::string& b;
    ~Wipe() {
      wipe(a);
      wipe(b);
    }
  } wipe_on_exit{current, next};
  if (current.size() > settings_.password_policy.max_bytes) throw invalidCredentials();
  auto account = value(storage::findAccount(*vault_, session.principal.account_id),
                       "finding an account");
  if (!account) throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "not_authenticated", "Log in first.");
  if (!hasher_.verify(current, account->password_hash)) {
    (void)value(storage::recordLoginFailure(*vault_, account->id, settings_.account_lockout, now,
                                            "bad_current_password"),
                "recording a failed password check");
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "invalid_credentials",
                    "The current password is wrong.");
  }
  if (constantTimeEquals(current, next)) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "weak_password",
                    "The new password must differ from the current one.");
  }
  const std::string hash = checkedNewPassword(next, *account);
  check(storage::setPassword(*vault_, account->id, hash, false, session.token_hash, now,
                             std::to_string(account->person), "change_password"),
        "changing a password");
}

TotpEnrolment AuthService::startTotpEnrolment(const SessionInfo& session, std::int64_t now) {
  if (session.totp_enrolled) {
    throw HttpError(HTTPResponse::HTTP_CONFLICT, "totp_already_enrolled",
                    "Two-step verification is already set up for this account.");
  }
  std::vector<std::uint8_t> secret(kTotpSecretSize);
  if (!storage::randomBytes(secret)) throw std::runtime_error("RAND_bytes failed");
  const storage::WipedBytes wiped(std::move(secret));
  check(storage::setPendingTotp(*vault_, session.principal.account_id, wiped.bytes(), now,
                                std::to_string(session.principal.person)),
        "storing a TOTP secret");
  TotpEnrolment enrolment;
  enrolment.secret = base32Encode(wiped.bytes());
  enrolment.uri = otpauthUri(settings_.totp_issuer, session.username, enrolment.secret);
  return enrolment;
}

std::vector<std::string> AuthService::confirmTotpEnrolment(const SessionInfo& session,
                                                           std::string_view code,
                                                           std::int64_t now) {
  const std::string& account = session.principal.account_id;
  auto pending = value(storage::totpSecret(*vault_, account, true), "reading a TOTP secret");
  if (!pending) {
    throw HttpError(HTTPResponse::HTTP_CONFLICT, "no_totp_enrolment",
                    "Start the enrolment first (POST /api/me/totp).");
  }
  const auto step = matchTotp(pending->bytes(), code, now);
  if (!step) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_totp",
                    "The code does not match; check the authenticator app's clock.");
  }
  std::vector<std::string> codes;
  std::vector<storage::TokenHash> hashes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    std::vector<std::uint8_t> random(10);  // 80 bits: 16 base32 characters
    if (!storage::randomBytes(random)) throw std::runtime_error("RAND_bytes failed");
    const std::string plain = lowerAscii(base32Encode(random));
    storage::cleanse(random);
    hashes.push_back(recoveryHash(account, plain));
    codes.push_back(plain.substr(0, 4) + "-" + plain.substr(4, 4) + "-" + plain.substr(8, 4) +
                    "-" + plain.substr(12, 4));
  }
  check(storage::confirmTotp(*vault_, account, *step, hashes, now,
                             std::to_string(session.principal.person)),
        "confirming TOTP");
  return codes;
}

IssuedPassword AuthService::createAccount(acl::PersonId person, std::string_view username,
                                          std::int64_t now, const std::string& actor) {
  const std::string name = lowerAscii(username);
  if (!storage::isValidUsername(name)) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "username: expected 3 to 64 of a-z, 0-9, '.', '_' and '-', starting with a "
                    "letter or digit.");
  }
  IssuedPassword issued;
  issued.password = randomPassword();
  const std::string hash = hasher_.hash(issued.password);
  auto account = storage::createAccount(*vault_, person, name, hash, true, now, actor);
  if (!account) {
    const auto& error = account.error();
    if (error.code == storage::ErrorCode::kNotFound) {
      throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "unknown_person", "No person with that id.");
    }
    if (error.code == storage::ErrorCode::kConstraint) {
      const bool taken = error.message.find("username") != std::string::npos;
      throw HttpError(HTTPResponse::HTTP_CONFLICT, taken ? "username_taken" : "account_exists",
                      taken ? "That username is taken." : "That person already has an account.");
    }
    throw std::runtime_error("creating an account: " + error.toString());
  }
  issued.account = std::move(*account);
  return issued;
}

IssuedPassword AuthService::resetPassword(std::string_view account_id, std::int64_t now,
                                          const std::string& actor) {
  std::optional<storage::Account> account;
  if (isAccountId(account_id)) {
    account = value(storage::findAccount(*vault_, account_id), "finding an account");
  }
  if (!account) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such account.");
  IssuedPassword issued;
  issued.password = randomPassword();
  check(storage::setPassword(*vault_, account->id, hasher_.hash(issued.password), true,
                             std::nullopt, now, actor, "reset_password"),
        "resetting a password");
  issued.account = std::move(*account);
  issued.account.must_change_password = true;
  return issued;
}

void AuthService::unlock(std::string_view account, std::int64_t now, const std::string& actor) {
  storage::Status status = storage::fail(storage::ErrorCode::kNotFound, "");
  if (isAccountId(account)) status = storage::unlockAccount(*vault_, account, now, actor);
  if (!status && status.error().code == storage::ErrorCode::kNotFound) {
    throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such account.");
  }
  check(status, "unlocking an account");
}

void AuthService::deactivate(std::string_view account, std::int64_t now,
                             const std::string& actor) {
  storage::Status status = storage::fail(storage::ErrorCode::kNotFound, "");
  if (isAccountId(account)) status = storage::deactivateAccount(*vault_, account, now, actor);
  if (!status && status.error().code == storage::ErrorCode::kNotFound) {
    throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such account.");
  }
  check(status, "deactivating an account");
}

std::vector<storage::Account> AuthService::accounts() {
  return value(storage::listAccounts(*vault_), "listing accounts");
}

void AuthService::requireAccountManager(const Principal& principal, std::int64_t now) {
  std::optional<acl::Decision> decision;
  check(vault_->read([&](storage::Database& db) -> storage::Status {
    auto actor = storage::loadActor(db, principal.person);
    if (!actor) return std::unexpected(actor.error());
    decision = acl::decide(*actor, acl::Action::kManageAccounts, nullptr, utcDate(now));
    return {};
  }),
        "deciding on account management");
  if (decision->allowed()) return;
  check(vault_->audit({now, std::to_string(principal.person), "manage_accounts", "", "denied",
                       std::string(acl::reasonName(decision->reason))}),
        "auditing a denial");
  throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "forbidden", "Only an admin may manage accounts.");
}

}  // namespace server
