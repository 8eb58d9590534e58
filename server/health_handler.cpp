#include "server/health_handler.h"

#include <exception>
#include <utility>

#include <Poco/Logger.h>

#include "server/http_error.h"

namespace server {

HealthHandler::HealthHandler(std::function<bool()> is_healthy)
    : is_healthy_(std::move(is_healthy)) {}

void HealthHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
  bool healthy = false;
  try {
    healthy = is_healthy_ && is_healthy_();
  } catch (const std::exception& e) {
    // A failing probe is an answer ("unavailable"), not a server error.
    Poco::Logger::get("lessonvault.health")
        .warning(std::string("health probe failed: ") + e.what());
  }
  if (healthy) {
    sendJson(response, Poco::Net::HTTPResponse::HTTP_OK, R"({"status":"ok"})");
  } else {
    sendJson(response, Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
             R"({"status":"unavailable"})");
  }
}

}  // namespace server
