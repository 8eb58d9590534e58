// lessonvault-admin backup and restore (docs/backup-and-restore.md), kept apart
// from admin_commands.cpp; commands() lists them.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "server/config.h"

namespace server::admin {

// backup DIR: a consistent copy of the database and the blobs, with a
// manifest. Runs beside a running server.
int backupCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err);

// restore DIR [--force]: with the server stopped, checks the manifest, puts
// the database and blobs back, opens the vault (which replays the deletion
// journal) and runs the expiry sweep, before anything can be served.
int restoreCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);

}  // namespace server::admin
