// How the server answers: every response carries the same security headers (set in one
// place), and every error has one body shape, {"error":{"code":"...","message":"..."}}.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace server {

// Thrown by handlers to answer with a client-facing error; RequestHandler turns it into the
// JSON error body. `code` is a stable snake_case identifier for programs, `what()` a sentence
// for people. Both are sent to the client, so they must not contain secrets.
class HttpError : public std::runtime_error {
 public:
  HttpError(Poco::Net::HTTPResponse::HTTPStatus status, std::string code, std::string message);

  Poco::Net::HTTPResponse::HTTPStatus status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  Poco::Net::HTTPResponse::HTTPStatus status_;
  std::string code_;
};

// The CSP of the web app: hls.js plays media through blob: URLs; nothing comes from elsewhere.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'";

// HSTS for two years (Mozilla's value; testssl wants at least 180 days). No includeSubDomains:
// the service does not own the school's other host names.
inline constexpr std::string_view kStrictTransportSecurity = "max-age=63072000";

// Sets Cache-Control: no-store, X-Content-Type-Options, Referrer-Policy and the CSP, and on an
// HTTPS connection (`https`) Strict-Transport-Security; browsers ignore HSTS over plain HTTP.
// Every response the server writes goes through this (RequestHandler calls it first).
void setSecurityHeaders(Poco::Net::HTTPResponse& response, bool https);

// Sends `body` (already JSON) with the given status and a Content-Length.
void sendJson(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
              std::string_view body);

// The body {"error":{"code":...,"message":...}} with both strings escaped.
std::string errorBody(std::string_view code, std::string_view message);

// Sends errorBody(code, message) with the given status.
void sendError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               std::string_view code, std::string_view message);

}  // namespace server
