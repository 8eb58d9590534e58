// The lessonvault program: command-line options, start-up (configuration, logging, services,
// HTTP listener), and a graceful stop on SIGTERM or SIGINT.
//
// Exit codes (sysexits, as Poco names them): 0 EXIT_OK after a clean stop or --help/--version;
// 64 EXIT_USAGE for stray arguments; 78 EXIT_CONFIG for an unreadable or invalid config
// file, an unwritable log.file, or services that fail to open; 69 EXIT_UNAVAILABLE when the
// address cannot be bound. Poco itself answers an unknown option with 78 and a message on
// stderr. Start-up failures are written to stderr as "lessonvault: <key>: <problem>".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include "server/config.h"

namespace server {

inline constexpr std::string_view kDefaultConfigPath = "/etc/lessonvault/lessonvault.properties";

// How long requests in progress may run on after SIGTERM before their connections are closed.
// Short, because clients recover (tus resumes uploads, players retry). Idle connections and
// requests still being received do not wait for it.
inline constexpr std::chrono::seconds kShutdownGrace{5};

class LessonVaultServer : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  int main(const ArgVec& args) override;

 private:
  void handleHelp(const std::string& name, const std::string& value);
  void handleVersion(const std::string& name, const std::string& value);
  void handleConfig(const std::string& name, const std::string& value);
  void displayHelp() const;

  // Runs the service with a loaded configuration until a termination signal arrives.
  int serve(const Config& config);

  bool help_requested_ = false;
  bool version_requested_ = false;
  std::string config_path_{kDefaultConfigPath};
};

}  // namespace server
