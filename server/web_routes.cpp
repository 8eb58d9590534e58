#include "server/web_routes.h"

#include "server/api.h"
#include "server/http_error.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;

void sendAsset(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
               const WebAsset& asset) {
  // Revalidated on every load (cheap: a 304), so a new version is never hidden by a cache;
  // the API and media keep their no-store.
  response.set("Cache-Control", "no-cache");
  response.set("ETag", asset.etag);
  if (request.get("If-None-Match", "") == asset.etag) {
    response.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
    response.setContentLength(0);
    response.send();
    return;
  }
  response.setStatusAndReason(HTTPResponse::HTTP_OK);
  response.setContentType(asset.content_type);
  response.setContentLength64(static_cast<Poco::Int64>(asset.body.size()));
  response.sendBuffer(asset.body.data(), asset.body.size());
}

}  // namespace

void addWebRoutes(Router& router, std::shared_ptr<const WebAssets> web) {
  router.add("GET", "/",
             route([web](Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response,
                         const PathParams&) { sendAsset(request, response, web->index()); }));
  router.add("GET", "/assets/{name}",
             route([web](Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, const PathParams& params) {
               const WebAsset* asset = web->asset(params.at("name"));
               if (!asset) {
                 throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found",
                                 "No such file in the web app.");
               }
               sendAsset(request, response, *asset);
             }));
}

}  // namespace server
