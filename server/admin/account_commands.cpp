#include "server/admin/account_commands.h"

#include <cctype>
#include <functional>
#include <memory>
#include <optional>

#include "server/admin/admin_commands.h"
#include "server/admin/cli_support.h"
#include "server/auth_service.h"
#include "storage/accounts.h"
#include "storage/roster.h"

namespace server::admin {
namespace {

// The vault and the auth service on it, for the account commands.
struct AccountTools {
  std::shared_ptr<storage::Vault> vault;
  std::unique_ptr<AuthService> auth;
};

std::optional<AccountTools> openAccounts(const Config& config, std::ostream& err) {
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) {
    failWith(err, vault.error());
    return std::nullopt;
  }
  AccountTools tools;
  tools.vault = std::move(*vault);
  tools.auth = std::make_unique<AuthService>(tools.vault, AuthSettings::fromConfig(config));
  return tools;
}

std::optional<storage::Account> accountNamed(AccountTools& tools, const std::string& username,
                                             std::ostream& err) {
  std::string folded = username;
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto account = storage::findAccountByUsername(*tools.vault, folded);
  if (!account) {
    failWith(err, account.error());
    return std::nullopt;
  }
  if (!*account) err << "lessonvault-admin: no account named \"" << username << "\"\n";
  return std::move(*account);
}

// Runs `work`, reporting what the auth service throws (refusals and storage
// failures alike) as a failed command.
template <typename Work>
int guarded(std::ostream& err, Work work) {
  try {
    work();
    return kExitOk;
  } catch (const std::exception& e) {
    err << "lessonvault-admin: " << e.what() << "\n";
    return kExitFailure;
  }
}

void printOneTimePassword(std::ostream& out, const std::string& username,
                          const std::string& password) {
  out << "one-time password for " << username << ": " << password << "\n"
      << "it is shown only now; it must be changed at the first login\n";
}

// Runs `work` on the account named by the one argument.
int onAccount(const Config& config, const std::vector<std::string>& args, std::ostream& err,
              const std::function<void(AccountTools&, const storage::Account&)>& work) {
  if (int usage = expectArgs(args, 1, err)) return usage;
  auto tools = openAccounts(config, err);
  if (!tools) return kExitFailure;
  auto account = accountNamed(*tools, args[0], err);
  if (!account) return kExitFailure;
  return guarded(err, [&] { work(*tools, *account); });
}

}  // namespace

int createAccountCommand(const Config& config, const std::vector<std::string>& args,
                         std::ostream& out, std::ostream& err) {
  std::vector<acl::Role> roles;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--role") {
      const auto role = i + 1 < args.size() ? acl::parseRole(args[i + 1]) : std::nullopt;
      if (!role) {
        err << "lessonvault-admin: --role wants one of admin, privacy_officer, staff, guardian, "
               "pupil\n";
        return kExitUsage;
      }
      roles.push_back(*role);
      ++i;
    } else {
      positional.push_back(args[i]);
    }
  }
  if (int usage = expectArgs(positional, 2, err)) return usage;
  auto tools = openAccounts(config, err);
  if (!tools) return kExitFailure;
  auto person = storage::personByExternalId(*tools->vault, positional[0]);
  if (!person) return failWith(err, person.error());
  if (!*person) {
    err << "lessonvault-admin: no person with external id \"" << positional[0]
        << "\" in the roster; import the roster first\n";
    return kExitFailure;
  }
  for (acl::Role role : roles) {
    if (auto granted = storage::grantRole(*tools->vault, **person, role, now(), cliActor());
        !granted) {
      return failWith(err, granted.error());
    }
  }
  try {
    auto issued = tools->auth->createAccount(**person, positional[1], now(), cliActor());
    out << "created account " << issued.account.username << " (id " << issued.account.id
        << ") for person " << positional[0] << "\n";
    printOneTimePassword(out, issued.account.username, issued.password);
  } catch (const std::exception& e) {
    err << "lessonvault-admin: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int resetPasswordCommand(const Config& config, const std::vector<std::string>& args,
                         std::ostream& out, std::ostream& err) {
  return onAccount(config, args, err, [&](AccountTools& tools, const storage::Account& account) {
    auto issued = tools.auth->resetPassword(account.id, now(), cliActor());
    out << "password of " << account.username << " reset; its sessions are ended\n";
    printOneTimePassword(out, account.username, issued.password);
  });
}

int unlockCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  return onAccount(config, args, err, [&](AccountTools& tools, const storage::Account& account) {
    tools.auth->unlock(account.id, now(), cliActor());
    out << "unlocked " << account.username << "\n";
  });
}

int deactivateCommand(const Config& config, const std::vector<std::string>& args,
                      std::ostream& out, std::ostream& err) {
  return onAccount(config, args, err, [&](AccountTools& tools, const storage::Account& account) {
    tools.auth->deactivate(account.id, now(), cliActor());
    out << "deactivated " << account.username << "; its sessions are ended\n";
  });
}

// The first admin, for scripts/run.sh: a roster person "Beheerder" with role
// admin and the account "admin". Does nothing when an active admin account exists.
int bootstrapAdminCommand(const Config& config, const std::vector<std::string>& args,
                          std::ostream& out, std::ostream& err) {
  constexpr const char* kExternalId = "lessonvault-admin";
  constexpr const char* kUsername = "admin";
  if (int usage = expectArgs(args, 0, err)) return usage;
  auto tools = openAccounts(config, err);
  if (!tools) return kExitFailure;
  auto exists = storage::activeAdminExists(*tools->vault);
  if (!exists) return failWith(err, exists.error());
  if (*exists) {
    out << "an admin account exists already; nothing to do\n";
    return kExitOk;
  }
  auto taken = storage::findAccountByUsername(*tools->vault, kUsername);
  if (!taken) return failWith(err, taken.error());
  if (*taken) {
    err << "lessonvault-admin: an account named admin exists but is no active admin; use "
           "reset-password, or create-account for another admin\n";
    return kExitFailure;
  }
  auto person = storage::personByExternalId(*tools->vault, kExternalId);
  if (!person) return failWith(err, person.error());
  if (!*person) {
    storage::RosterEntry entry;
    entry.line = 1;
    entry.external_id = kExternalId;
    entry.display_name = "Beheerder";
    entry.roles = {acl::Role::kAdmin};
    auto imported = storage::importRoster(*tools->vault, {entry}, schoolToday(config), now(),
                                          cliActor());
    if (!imported) return failWith(err, imported.error());
    if (!imported->problems.empty()) {
      err << "lessonvault-admin: " << imported->problems.front().toString() << "\n";
      return kExitFailure;
    }
    person = storage::personByExternalId(*tools->vault, kExternalId);
    if (!person || !*person) {
      err << "lessonvault-admin: the admin person was not created\n";
      return kExitFailure;
    }
  } else if (auto granted =
                 storage::grantRole(*tools->vault, **person, acl::Role::kAdmin, now(), cliActor());
             !granted) {
    return failWith(err, granted.error());
  }
  try {
    auto issued = tools->auth->createAccount(**person, kUsername, now(), cliActor());
    out << "created the first admin account: admin (roster person \"Beheerder\")\n";
    printOneTimePassword(out, kUsername, issued.password);
    out << "after that, set up two-step verification (TOTP): admins must use it\n";
  } catch (const std::exception& e) {
    err << "lessonvault-admin: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace server::admin
