// A real LessonVault HTTP service started in-process on 127.0.0.1, port 0, for tests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "server/config.h"
#include "server/http_service.h"
#include "server/router.h"

namespace server::testing {

// Config for tests: ephemeral port, few threads.
Config testConfig();

// A handler running `body` (tests write ad-hoc routes with it).
using HandlerBody =
    std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;
HandlerFactory handlerFactory(HandlerBody body);

// Starts `router` on an ephemeral port; stops on destruction.
class TestServer {
 public:
  explicit TestServer(Router::Ptr router);
  ~TestServer();

  std::uint16_t port() const { return service_->port(); }
  HttpService& service() { return *service_; }

 private:
  std::unique_ptr<HttpService> service_;
};

}  // namespace server::testing
