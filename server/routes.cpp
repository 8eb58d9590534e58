#include "server/routes.h"

#include <memory>

#include "server/health_handler.h"

namespace server {

Router::Ptr makeRouter(const Services& services) {
  Router::Ptr router = new Router;
  router->add("GET", "/healthz", [probe = services.is_healthy](const PathParams&) {
    return std::make_unique<HealthHandler>(probe);
  });
  return router;
}

}  // namespace server
