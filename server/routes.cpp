#include "server/routes.h"

#include <memory>

#include "server/health_handler.h"

namespace server {

Principal recordingsCaller(const Services& services, Poco::Net::HTTPServerRequest& request) {
  services.network->requireRecordings(request);
  return services.authenticate(request);
}

Principal uploadsCaller(const Services& services, Poco::Net::HTTPServerRequest& request) {
  services.network->requireUploads(request);
  return services.authenticate(request);
}

Router::Ptr makeRouter(const Services& services) {
  Router::Ptr router = new Router;
  router->add("GET", "/healthz", [probe = services.is_healthy](const PathParams&) {
    return std::make_unique<HealthHandler>(probe);
  });
  if (services.vault) {
    addRecordingRoutes(*router, services);
    addCollaborationRoutes(*router, services);
    addStreamRoutes(*router, services);
    addTusRoutes(*router, services);
  }
  return router;
}

}  // namespace server
