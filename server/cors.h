// CORS for a web app served from another origin of the school (an upload page
// on its own host name, say): only for origins listed in server.cors_origins,
// with credentials, and with the tus headers exposed so tus-js-client and Uppy
// work unmodified. Without the key nothing cross-origin is allowed. A listed
// origin also passes the Origin half of the CSRF check (auth_service.h).
#pragma once

#include <string>
#include <vector>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace server {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // Whether `request` comes from a listed origin (never the case without an Origin header).
  bool allowed(const Poco::Net::HTTPServerRequest& request) const;

  // Adds Access-Control-Allow-Origin (the request's own origin), -Credentials,
  // -Expose-Headers and Vary: Origin when the origin is listed.
  void decorate(const Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) const;

  // A preflight (OPTIONS with Access-Control-Request-Method) from a listed
  // origin: true, and the response carries the allowed methods and headers.
  bool preflight(const Poco::Net::HTTPServerRequest& request,
                 Poco::Net::HTTPServerResponse& response) const;

 private:
  std::vector<std::string> origins_;
};

// The entries of server.cors_origins (validated at load like server.public_origin).
std::vector<std::string> splitOrigins(const std::string& text);

}  // namespace server
