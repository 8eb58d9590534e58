// lessonvault-admin: the operator CLI. It reads the same config file as the
// server and works on the same data, keys and database.
#include <iostream>
#include <string>
#include <vector>

#include "server/admin/admin_commands.h"
#include "server/config.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/lessonvault/lessonvault.properties";

void printHelp(std::ostream& out) {
  out << "Usage: lessonvault-admin [--config FILE] COMMAND [ARGS]\n\n"
         "Operator commands for LessonVault. Reads the same config file as the server.\n\n"
         "Options:\n"
         "  -c, --config FILE   the properties file (default "
      << kDefaultConfig
      << ")\n"
         "  -h, --help          show this help and exit\n\n"
         "Commands:\n";
  for (const auto& command : server::admin::commands()) {
    out << "  " << command.name << (*command.arguments ? " " : "") << command.arguments << "\n";
    // The summary, wrapped at 80 columns under the command.
    std::string line = "      ";
    std::string_view rest = command.summary;
    while (!rest.empty()) {
      const std::size_t space = rest.find(' ');
      const std::string_view word = rest.substr(0, space);
      if (line.size() + 1 + word.size() > 80 && line.size() > 6) {
        out << line << "\n";
        line = "      ";
      }
      if (line.size() > 6) line += ' ';
      line += word;
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    out << line << "\n";
  }
  out << "\nExit status: 0 done, 1 failed, 64 usage error, 78 configuration error.\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace server::admin;
  std::string config_path = kDefaultConfig;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      printHelp(std::cout);
      return kExitOk;
    }
    if (arg == "-c" || arg == "--config") {
      if (i + 1 == argc) {
        std::cerr << "lessonvault-admin: " << arg << " needs a file\n";
        return kExitUsage;
      }
      config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = arg.substr(9);
    } else if (rest.empty() && arg.starts_with("-")) {
      std::cerr << "lessonvault-admin: unknown option " << arg << "; see --help\n";
      return kExitUsage;
    } else {
      rest.push_back(arg);
    }
  }
  if (rest.empty()) {
    printHelp(std::cerr);
    return kExitUsage;
  }
  const Command* command = nullptr;
  for (const auto& candidate : commands()) {
    if (rest.front() == candidate.name) command = &candidate;
  }
  if (command == nullptr) {
    std::cerr << "lessonvault-admin: unknown command \"" << rest.front() << "\"; see --help\n";
    return kExitUsage;
  }
  auto config = server::loadConfigFile(config_path);
  if (!config) {
    std::cerr << "lessonvault-admin: " << config_path << ": " << config.error().describe() << "\n";
    return kExitConfig;
  }
  return command->run(*config, std::vector<std::string>(rest.begin() + 1, rest.end()), std::cout,
                      std::cerr);
}
