// lessonvault-admin's account commands (docs/auth-sessions.md): create an
// account for a roster person, reset a password, unlock, deactivate, and the
// first admin for scripts/run.sh. Each prints a one-time password at most once.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "server/config.h"

namespace server::admin {

// create-account PERSON_EXTERNAL_ID USERNAME [--role ROLE]...
int createAccountCommand(const Config& config, const std::vector<std::string>& args,
                         std::ostream& out, std::ostream& err);
// reset-password USERNAME: a new one-time password; the account's sessions end.
int resetPasswordCommand(const Config& config, const std::vector<std::string>& args,
                         std::ostream& out, std::ostream& err);
// unlock USERNAME: clears failed logins and the lockout.
int unlockCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err);
// deactivate USERNAME: the account can no longer log in; its sessions end.
int deactivateCommand(const Config& config, const std::vector<std::string>& args,
                      std::ostream& out, std::ostream& err);
// bootstrap-admin: on first start, the roster person "Beheerder" and the
// account admin; does nothing when an active admin account exists.
int bootstrapAdminCommand(const Config& config, const std::vector<std::string>& args,
                          std::ostream& out, std::ostream& err);

}  // namespace server::admin
