// GET /healthz for load balancers and systemd: 200 {"status":"ok"} while the probe says the
// service can work, 503 {"status":"unavailable"} otherwise.
#pragma once

#include <functional>

#include "server/request_handler.h"

namespace server {

class HealthHandler : public RequestHandler {
 public:
  // `is_healthy` is called once per request, on a server thread, possibly concurrently with
  // other requests; it should be cheap (e.g. a trivial database query). A probe that throws
  // counts as unhealthy.
  explicit HealthHandler(std::function<bool()> is_healthy);

 protected:
  void handle(Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response) override;

 private:
  std::function<bool()> is_healthy_;
};

}  // namespace server
