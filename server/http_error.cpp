#include "server/http_error.h"

#include <utility>

#include "server/json_escape.h"

namespace server {

HttpError::HttpError(Poco::Net::HTTPResponse::HTTPStatus status, std::string code,
                     std::string message)
    : std::runtime_error(std::move(message)), status_(status), code_(std::move(code)) {}

void setSecurityHeaders(Poco::Net::HTTPResponse& response, bool https) {
  // Recordings and their metadata are personal data: no cache (browser or proxy) may keep them.
  response.set("Cache-Control", "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  if (https) response.set("Strict-Transport-Security", std::string(kStrictTransportSecurity));
}

void sendJson(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
              std::string_view body) {
  response.setStatusAndReason(status);
  response.setContentType("application/json; charset=utf-8");
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.sendBuffer(body.data(), body.size());
}

std::string errorBody(std::string_view code, std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  appendJsonString(body, code);
  body += ",\"message\":";
  appendJsonString(body, message);
  body += "}}";
  return body;
}

void sendError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               std::string_view code, std::string_view message) {
  sendJson(response, status, errorBody(code, message));
}

}  // namespace server
