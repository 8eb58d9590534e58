#include "server/services.h"

#include <stdexcept>

#include "server/auth_service.h"
#include "server/cors.h"
#include "server/ingest_queue.h"
#include "server/metrics.h"
#include "server/network_policy.h"
#include "server/tus_uploads.h"
#include "server/view_tracker.h"
#include "server/web_assets.h"

namespace server {
namespace {

std::vector<Cidr> cidrs(const std::string& text, const char* key) {
  auto list = parseCidrList(text);
  if (!list) throw std::invalid_argument(std::string(key) + ": malformed CIDR list");
  return *list;
}

}  // namespace

storage::Result<Services> makeServices(const Config& config,
                                       std::shared_ptr<storage::Vault> vault) {
  Services services;
  services.vault = vault;
  services.is_healthy = [vault] { return vault->healthCheck().has_value(); };
  auto auth = std::make_shared<AuthService>(vault, AuthSettings::fromConfig(config));
  services.auth = auth;
  services.authenticate = [auth](Poco::Net::HTTPServerRequest& request) {
    return requireSession(*auth, request, auth->now());
  };
  services.config = config;
  services.caps = {config.max_days_teacher_training, config.max_days_student_support};
  services.uploads.max_bytes = static_cast<std::uint64_t>(config.upload_max_mib) << 20;
  services.uploads.quota_bytes = static_cast<std::uint64_t>(config.upload_quota_mib) << 20;
  services.uploads.expire_s = config.upload_expire_s;
  services.ingest = std::make_shared<IngestQueue>(vault, ingestSettings(config),
                                                  config.ingest_workers, services.now);
  LV_TRY(services.ingest->requeue());
  services.upload_registry =
      std::make_shared<UploadRegistry>(vault, std::chrono::seconds(config.upload_stall_s));
  services.views = std::make_shared<ViewTracker>();
  const std::string uploads_allow =
      config.uploads_allow.empty() ? config.recordings_allow : config.uploads_allow;
  services.network = std::make_shared<NetworkPolicy>(
      cidrs(config.recordings_allow, "server.recordings_allow"),
      cidrs(uploads_allow, "server.uploads_allow"),
      cidrs(config.trusted_proxies, "server.trusted_proxies"));
  if (!config.cors_origins.empty()) {
    services.cors = std::make_shared<CorsPolicy>(splitOrigins(config.cors_origins));
  }
  if (!config.web_root.empty()) {
    auto web = WebAssets::load(config.web_root);
    if (!web) throw std::invalid_argument("server.web_root: " + web.error());
    services.web = std::make_shared<const WebAssets>(std::move(*web));
  }
  services.metrics = std::make_shared<Metrics>();
  services.metrics->setSources({
      .ingest_queued = [q = services.ingest] { return q->stats().queued; },
      .ingest_running = [q = services.ingest] { return q->stats().running; },
      .ingest_done =
          [q = services.ingest] {
            const IngestStats s = q->stats();
            return std::tuple{s.succeeded, s.failed, s.seconds_total};
          },
      .audit_chain_length =
          [vault] {
            auto head = vault->auditHead();
            return head ? head->seq : std::int64_t{-1};
          },
      .uploads_open = [r = services.upload_registry] { return std::uint64_t{r->openCount()}; },
  });
  return services;
}

}  // namespace server
