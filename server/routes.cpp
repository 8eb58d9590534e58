#include "server/routes.h"

#include <memory>

#include "server/auth_routes.h"
#include "server/health_handler.h"

namespace server {

Router::Ptr makeRouter(const Services& services) {
  Router::Ptr router = new Router;
  router->add("GET", "/healthz", [probe = services.is_healthy](const PathParams&) {
    return std::make_unique<HealthHandler>(probe);
  });
  if (services.auth) addAuthRoutes(*router, services.auth);
  return router;
}

}  // namespace server
