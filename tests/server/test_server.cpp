#include "tests/server/test_server.h"

#include <utility>

namespace server::testing {
namespace {

class LambdaHandler : public RequestHandler {
 public:
  explicit LambdaHandler(HandlerBody body) : body_(std::move(body)) {}

 protected:
  void handle(Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response) override {
    body_(request, response);
  }

 private:
  HandlerBody body_;
};

}  // namespace

Config testConfig() {
  Config config;
  config.listen_port = 0;
  config.max_threads = 8;
  config.data_dir = "unused";
  config.database_path = "unused";
  config.keys_dir = "unused";
  return config;
}

HandlerFactory handlerFactory(HandlerBody body) {
  return
      [body = std::move(body)](const PathParams&) { return std::make_unique<LambdaHandler>(body); };
}

TestServer::TestServer(Router::Ptr router)
    : service_(std::make_unique<HttpService>(testConfig(), router)) {
  service_->start();
}

TestServer::~TestServer() { service_->stop(std::chrono::seconds(2)); }

}  // namespace server::testing
