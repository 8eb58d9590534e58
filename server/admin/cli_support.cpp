#include "server/admin/cli_support.h"

#include <unistd.h>

#include "server/admin/admin_commands.h"
#include "server/clock.h"

namespace server::admin {

storage::VaultPaths vaultPaths(const Config& config) {
  return {config.data_dir, config.database_path, config.keys_dir};
}

std::string cliActor() { return "cli:uid" + std::to_string(::geteuid()); }

std::int64_t now() { return unixNow(); }

acl::Date schoolToday(const Config& config) {
  useTimeZone(config.time_zone);
  return localDate(unixNow());
}

int failWith(std::ostream& err, const storage::Error& error) {
  err << "lessonvault-admin: " << error.toString() << "\n";
  return kExitFailure;
}

int expectArgs(const std::vector<std::string>& args, std::size_t n, std::ostream& err) {
  if (args.size() == n) return kExitOk;
  err << "lessonvault-admin: expected " << n << " argument(s), got " << args.size()
      << "; see --help\n";
  return kExitUsage;
}

}  // namespace server::admin
