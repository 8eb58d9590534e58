// The service's route table: every endpoint is registered here, in one place, from the
// services opened at start-up.
#pragma once

#include <functional>
#include <memory>

#include "server/router.h"

namespace storage {
class Vault;
}

namespace server {

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
};

// A router with every route of the service registered.
Router::Ptr makeRouter(const Services& services);

}  // namespace server
