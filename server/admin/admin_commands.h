// The operator commands of lessonvault-admin. Each takes the validated config
// and its arguments, prints what it did to `out`, and returns a process exit code.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "server/config.h"

namespace server::admin {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 64;   // EX_USAGE
inline constexpr int kExitConfig = 78;  // EX_CONFIG

struct Command {
  const char* name;
  const char* arguments;  // for the usage line
  const char* summary;
  int (*run)(const Config& config, const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
};

// Every command, in the order --help lists them.
const std::vector<Command>& commands();

}  // namespace server::admin
