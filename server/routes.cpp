#include "server/routes.h"

#include <memory>

#include "server/api.h"
#include "server/auth_routes.h"
#include "server/health_handler.h"
#include "server/metrics.h"
#include "server/openapi.h"
#include "server/web_routes.h"

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
  if (services.cors) router->setCors(services.cors);
  router->add("GET", "/healthz", [probe = services.is_healthy](const PathParams&) {
    return std::make_unique<HealthHandler>(probe);
  });
  router->add("GET", "/api/openapi.json",
              route([](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response,
                       const PathParams&) { sendJson(response, Poco::Net::HTTPResponse::HTTP_OK,
                                                     openApiDocument()); }));
  if (services.metrics) {
    router->setObserver([metrics = services.metrics](const std::string& pattern,
                                                     const std::string& method, int status) {
      metrics->countRequest(pattern, method, status);
    });
    router->add("GET", "/metrics",
                route([services](Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response, const PathParams&) {
                  // Counts only, but still the school's business: inside only.
                  services.network->requireRecordings(request);
                  const std::string text = services.metrics->render();
                  response.setContentType("text/plain; version=0.0.4; charset=utf-8");
                  response.setContentLength64(static_cast<Poco::Int64>(text.size()));
                  response.sendBuffer(text.data(), text.size());
                }));
  }
  if (services.vault) {
    addRecordingRoutes(*router, services);
    addCollaborationRoutes(*router, services);
    addStreamRoutes(*router, services);
    addTusRoutes(*router, services);
    addOversightRoutes(*router, services);
  }
  if (services.web) addWebRoutes(*router, services.web);
  if (services.auth) addAuthRoutes(*router, services.auth, services.network);
  return router;
}

}  // namespace server
