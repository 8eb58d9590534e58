#include "server/app.h"

#include <csignal>
#include <cstdlib>
#include <expected>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <stdexcept>

#include <Poco/Logger.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>

#include "media/probe.h"
#include "server/clock.h"
#include "server/auth_service.h"
#include "server/http_service.h"
#include "server/metrics.h"
#include "server/services.h"
#include "server/sweep.h"
#include "server/tls.h"
#include "server/json_log.h"
#include "server/routes.h"
#include "storage/crypto.h"
#include "storage/vault.h"

#ifndef LV_VERSION
#define LV_VERSION "unknown"
#endif

namespace server {
namespace {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

// Opens what the routes need. A storage failure at start-up (no database yet,
// a key file others can read, a newer schema) is reported like a configuration
// error: the operator has to fix the installation before the service can run.
// Runs after logging is set up, with the termination signals already blocked,
// so threads started here (ingest workers) never receive SIGTERM themselves.
std::expected<Services, ConfigError> openServices(const Config& config) {
  useTimeZone(config.time_zone);
  media::silenceLibavLog();
  auto vault = storage::Vault::open({config.data_dir, config.database_path, config.keys_dir});
  if (!vault) return std::unexpected(ConfigError{"", "storage: " + vault.error().toString()});
  // The head goes to the log, outside the database, so that a later
  // `lessonvault-admin audit-verify --expect-head` notices a cut-off tail.
  if (auto head = (*vault)->auditHead()) {
    Poco::Logger::get("lessonvault").information("audit head " + head->toString());
  }
  auto services = makeServices(config, std::shared_ptr<storage::Vault>(std::move(*vault)));
  if (!services) return std::unexpected(ConfigError{"", "storage: " + services.error().toString()});
  return std::move(*services);
}

// Runs the expiry sweep every server.sweep_interval_s and logs what it did,
// with the audit head (kept outside the database, see above).
std::unique_ptr<SweepScheduler> startSweeps(const Config& config, const Services& services) {
  return std::make_unique<SweepScheduler>(
      config.sweep_interval_s, [vault = services.vault, registry = services.upload_registry,
                                metrics = services.metrics,
                                grace = static_cast<std::int64_t>(config.upload_expire_s)] {
        try {
          Poco::Logger& log = Poco::Logger::get("lessonvault.sweep");
          const std::int64_t now = unixNow();
          auto report = sweepOnce(*vault, now, localDate(now), grace, registry.get());
          if (report) {
            if (report->problems.empty()) {
              log.information("sweep: " + describe(*report));
            } else {
              log.warning("sweep: " + describe(*report));
            }
            metrics->recordSweep(report->problems.empty(), report->recordings_deleted,
                                 report->uploads_purged, report->failed_deleted,
                                 report->people.purged);
          } else {
            log.error("sweep failed (the next run resumes): " + report.error().toString());
            metrics->recordSweep(false, 0, 0, 0, 0);
          }
        } catch (const std::exception& e) {
          // A sweep that throws must not take the server down; the next run retries.
          Poco::Logger::get("lessonvault.sweep").error(std::string("sweep threw: ") + e.what());
          metrics->recordSweep(false, 0, 0, 0, 0);
        }
      });
}

// Blocks the signals waitForTerminationRequest() waits for, in this thread and so in every
// thread started after it. Otherwise a SIGTERM arriving before the main thread waits for it
// can land on a worker thread and kill the process without a clean stop.
void blockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  // Poco leaves SIGINT alone under a debugger; do the same, or Ctrl-C would be lost.
  if (std::getenv("POCO_ENABLE_DEBUGGER") == nullptr) sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGQUIT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

// Says at start how clients reach the service, so a missing certificate is never silent.
void logTransport(const Config& config, const HttpService& http) {
  Poco::Logger& log = Poco::Logger::get("lessonvault");
  if (http.secure()) {
    log.information("HTTPS with " + config.tls_certificate + " (TLS 1.2 and 1.3, HSTS)");
  } else if (isLoopbackHost(config.listen_host)) {
    log.warning("development mode: no server.tls_certificate, plain HTTP on loopback only (" +
                config.listen_host + ")");
  } else {
    log.warning("plain HTTP on " + config.listen_host +
                " for a TLS-terminating reverse proxy (server.trusted_proxies); the proxy must "
                "send HSTS");
  }
}

int failStartup(int exit_code, const std::string& message) {
  Poco::Logger::get("lessonvault").fatal(message);
  std::cerr << "lessonvault: " << message << std::endl;
  return exit_code;
}

}  // namespace

void LessonVaultServer::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);  // --daemon, --pidfile, --umask
  options.addOption(
      Option("help", "h", "Print this help (options and configuration keys), exit.")
          .required(false)
          .repeatable(false)
          .callback(OptionCallback<LessonVaultServer>(this, &LessonVaultServer::handleHelp)));
  options.addOption(
      Option("version", "", "Print the version and exit.")
          .required(false)
          .repeatable(false)
          .callback(OptionCallback<LessonVaultServer>(this, &LessonVaultServer::handleVersion)));
  options.addOption(
      Option("config", "c",
             "Read the configuration from FILE (default " + std::string(kDefaultConfigPath) + ").")
          .required(false)
          .repeatable(false)
          .argument("FILE")
          .callback(OptionCallback<LessonVaultServer>(this, &LessonVaultServer::handleConfig)));
}

void LessonVaultServer::handleHelp(const std::string&, const std::string&) {
  help_requested_ = true;
  stopOptionsProcessing();
}

void LessonVaultServer::handleVersion(const std::string&, const std::string&) {
  version_requested_ = true;
  stopOptionsProcessing();
}

void LessonVaultServer::handleConfig(const std::string&, const std::string& value) {
  config_path_ = value;
}

void LessonVaultServer::displayHelp() const {
  Poco::Util::HelpFormatter help(options());
  help.setCommand(commandName());
  help.setUsage("[--config FILE]");
  help.setHeader(
      "LessonVault serves lesson recordings to the people named on them, encrypted at rest "
      "and deleted when their purpose ends. It runs in the foreground (unless --daemon), logs "
      "JSON lines, and stops gracefully on SIGTERM or SIGINT.");
  help.format(std::cout);
  std::cout << "\nConfiguration keys (properties file, one \"key = value\" per line):\n"
            << describeConfigKeys()
            << "\nExit codes: 0 ok, 64 bad usage, 69 cannot listen, 78 bad configuration.\n";
}

int LessonVaultServer::main(const ArgVec& args) {
  if (help_requested_) {
    displayHelp();
    return EXIT_OK;
  }
  if (version_requested_) {
    std::cout << "lessonvault " << LV_VERSION << std::endl;
    return EXIT_OK;
  }
  if (!args.empty()) {
    std::cerr << "lessonvault: unexpected argument \"" << args.front() << "\" (see --help)"
              << std::endl;
    return EXIT_USAGE;
  }
  auto config = loadConfigFile(config_path_);
  if (!config) {
    std::cerr << "lessonvault: " << config_path_ << ": " << config.error().describe() << std::endl;
    return EXIT_CONFIG;
  }
  if (auto logging = setupLogging(*config); !logging) {
    std::cerr << "lessonvault: " << config_path_ << ": " << logging.error().describe() << std::endl;
    return EXIT_CONFIG;
  }
  return serve(*config);
}

int LessonVaultServer::serve(const Config& config) {
  blockTerminationSignals();
  Poco::Logger& log = Poco::Logger::get("lessonvault");
  log.information("starting lessonvault " LV_VERSION " with " + config_path_);
  log.information("AES-256-GCM by " + storage::AesGcm::autoEngineDescription());
  auto services = openServices(config);
  if (!services) return failStartup(EXIT_CONFIG, services.error().describe());
  std::unique_ptr<HttpService> http;
  try {
    http = std::make_unique<HttpService>(config, makeRouter(*services));
  } catch (const std::runtime_error& e) {
    return failStartup(EXIT_UNAVAILABLE, e.what());
  }
  auto sweeps = startSweeps(config, *services);
  http->start();
  logTransport(config, *http);
  log.information("listening on " + http->url());
  waitForTerminationRequest();
  log.information("stopping");
  http->stop(kShutdownGrace);
  sweeps.reset();
  log.information("stopped");
  return EXIT_OK;
}

}  // namespace server
