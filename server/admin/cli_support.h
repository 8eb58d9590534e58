// What every lessonvault-admin command shares: the vault's paths from the
// config, the audit actor of an operator, the clock, and reporting failures
// and usage errors the same way.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "acl/purpose.h"
#include "server/config.h"
#include "storage/error.h"
#include "storage/vault.h"

namespace server::admin {

storage::VaultPaths vaultPaths(const Config& config);

// Operator actions are audited under the operating-system account that ran them.
std::string cliActor();

// Unix seconds now.
std::int64_t now();

// Today's date in the school's time zone (config school.time_zone).
acl::Date schoolToday(const Config& config);

// Prints the error and returns kExitFailure.
int failWith(std::ostream& err, const storage::Error& error);

// kExitOk when `args` holds exactly `n` arguments; otherwise says so and returns kExitUsage.
int expectArgs(const std::vector<std::string>& args, std::size_t n, std::ostream& err);

}  // namespace server::admin
