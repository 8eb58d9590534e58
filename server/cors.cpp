#include "server/cors.h"

#include <algorithm>

namespace server {

std::vector<std::string> splitOrigins(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string origin = text.substr(start, comma - start);
    std::erase(origin, ' ');
    if (!origin.empty()) out.push_back(origin);
    start = comma + 1;
  }
  return out;
}

bool CorsPolicy::allowed(const Poco::Net::HTTPServerRequest& request) const {
  if (origins_.empty() || !request.has("Origin")) return false;
  return std::ranges::find(origins_, request.get("Origin")) != origins_.end();
}

void CorsPolicy::decorate(const Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response) const {
  if (!allowed(request)) return;
  response.set("Access-Control-Allow-Origin", request.get("Origin"));
  response.set("Access-Control-Allow-Credentials", "true");
  response.set("Access-Control-Expose-Headers",
               "Location, Upload-Offset, Upload-Length, Upload-Expires, Tus-Resumable, "
               "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm");
  response.set("Vary", "Origin");
}

bool CorsPolicy::preflight(const Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) const {
  if (request.getMethod() != "OPTIONS" || !request.has("Access-Control-Request-Method") ||
      !allowed(request)) {
    return false;
  }
  decorate(request, response);
  response.set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  response.set("Access-Control-Allow-Headers",
               "Content-Type, X-CSRF-Token, Tus-Resumable, Upload-Length, Upload-Metadata, "
               "Upload-Offset, Upload-Checksum, Upload-Defer-Length, Upload-Concat, Range, "
               "X-Requested-With, X-HTTP-Method-Override");
  response.set("Access-Control-Max-Age", "600");
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
  response.setContentLength64(0);
  response.send();
  return true;
}

}  // namespace server
