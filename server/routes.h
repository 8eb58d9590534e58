// The service's route table: every endpoint is registered here, in one place, from the
// services opened at start-up.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <Poco/Net/HTTPServerRequest.h>

#include "acl/clock.h"
#include "acl/purpose_end.h"
#include "server/clock.h"
#include "server/config.h"
#include "server/network_policy.h"
#include "server/principal.h"
#include "server/router.h"

namespace storage {
class Vault;
}

namespace server {

class IngestQueue;
class Metrics;
class UploadRegistry;
class ViewTracker;
class WebAssets;

// Limits on tus uploads (config server.upload_*).
struct UploadLimits {
  std::uint64_t max_bytes = 8ULL << 30;     // one upload
  std::uint64_t quota_bytes = 64ULL << 30;  // everything one owner holds
  std::int64_t expire_s = 7 * 24 * 3600;    // an unfinished upload is purged after this
  // A PATCH with Upload-Checksum is verified in memory before anything is
  // stored: small enough that a server full of them stays within memory.
  std::size_t checksum_max_bytes = 8 << 20;
};
class AuthService;

// What the routes need from the rest of the process. Filled in by the application at
// start-up (see openServices in app.cpp) and by tests; copied into the routes.
struct Services {
  // The encrypted store; null only in tests that need no storage.
  std::shared_ptr<storage::Vault> vault;
  // Logins, sessions and accounts (server/auth_service.h); null only in tests
  // that need no accounts (then no auth route is registered).
  std::shared_ptr<AuthService> auth;
  // Answers GET /healthz.
  std::function<bool()> is_healthy = [] { return true; };
  // Who sent the request: throws HttpError 401 not_authenticated without a live
  // session, 403 password_change_required while the password must change, and
  // for POST/PUT/PATCH/DELETE 403 csrf_failed unless the CSRF token and Origin match.
  std::function<Principal(Poco::Net::HTTPServerRequest&)> authenticate;
  // The school's calendar and unix time; the server uses the real ones.
  std::shared_ptr<const acl::Clock> clock = std::make_shared<SchoolClock>();
  std::function<std::int64_t()> now = unixNow;
  // The configuration the server started with (the processing register and
  // consent categories come from it).
  Config config;
  acl::PurposeCaps caps;
  UploadLimits uploads;
  std::shared_ptr<IngestQueue> ingest;
  std::shared_ptr<UploadRegistry> upload_registry;
  std::shared_ptr<ViewTracker> views;
  // Origins besides public_origin whose pages may call the API (cors.h); null: none.
  std::shared_ptr<const CorsPolicy> cors;
  // Counters and gauges for GET /metrics; null: no /metrics route.
  std::shared_ptr<Metrics> metrics;
  // The web app's files (web_assets.h); null: no web app is served.
  std::shared_ptr<const WebAssets> web;
  // R4: who may reach recordings, log in and upload (by default: this machine only).
  std::shared_ptr<const NetworkPolicy> network = std::make_shared<NetworkPolicy>(
      *parseCidrList("127.0.0.0/8,::1"), *parseCidrList("127.0.0.0/8,::1"), std::vector<Cidr>{});
};

// The caller of a route about recordings (metadata, playlists, media, posters):
// the network allowlist first (403 network_not_allowed), then the session.
Principal recordingsCaller(const Services& services, Poco::Net::HTTPServerRequest& request);
// The caller of an upload route: the upload allowlist, then the session.
Principal uploadsCaller(const Services& services, Poco::Net::HTTPServerRequest& request);

// A router with every route of the service registered.
Router::Ptr makeRouter(const Services& services);

// The route groups, each in its own file.
void addRecordingRoutes(Router& router, const Services& services);
void addTusRoutes(Router& router, const Services& services);
void addStreamRoutes(Router& router, const Services& services);
void addCollaborationRoutes(Router& router, const Services& services);
void addOversightRoutes(Router& router, const Services& services);

}  // namespace server
