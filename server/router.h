// Maps a request's method and path to a handler. The Poco server asks it for a handler for
// every request, and it always returns one: unknown paths get a JSON 404 (not_found), known
// paths with another method a JSON 405 (method_not_allowed) with an Allow header, so Poco
// never answers on its own (it would send an HTML 501 for a null handler).
//
// Patterns are matched segment by segment against the raw path (query string removed):
//   "/healthz"                 matches only "/healthz" (no trailing slash, no empty segment)
//   "/api/recordings/{id}"     matches "/api/recordings/abc", with params {"id": "abc"}
// A "{name}" segment matches one non-empty segment and is passed to the handler factory raw,
// still percent-encoded. A route validates its parameters itself (an id is a short token of
// known characters) and never uses one as a file path. When several patterns match, the one
// with a literal segment where the others have a parameter wins ("/a/new" beats "/a/{id}").
// HEAD is served by the GET handler (Poco drops the body).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/SharedPtr.h>

#include "server/cors.h"
#include "server/request_handler.h"

namespace server {

using PathParams = std::map<std::string, std::string, std::less<>>;

// Builds the handler for one request; called on a server thread, possibly concurrently.
using HandlerFactory = std::function<std::unique_ptr<RequestHandler>(const PathParams& params)>;

class Router : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  using Ptr = Poco::SharedPtr<Router>;

  // Registers `factory` for `method` on `pattern`. Register every route before the server
  // starts: lookups are not synchronised with registration. Throws std::invalid_argument for
  // a malformed pattern, a method registered twice on one pattern, or a pattern that differs
  // from an existing one only in its parameter names.
  void add(std::string_view method, std::string_view pattern, HandlerFactory factory);

  // Never returns null (see above). A factory that throws or returns null yields a handler
  // answering 500 internal_error. The caller owns the result.
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

  // Called after every request with the matched pattern ("unmatched" when none
  // did), the method and the status sent: how /metrics counts requests. Set
  // it before the server starts.
  using Observer = std::function<void(const std::string& pattern, const std::string& method,
                                      int status)>;
  void setObserver(Observer observer) { observer_ = std::move(observer); }

  // Answers CORS preflights and adds the CORS headers for listed origins
  // (cors.h), on every route. Set it before the server starts.
  void setCors(std::shared_ptr<const CorsPolicy> cors) { cors_ = std::move(cors); }

  // Every registered (method, pattern), for the OpenAPI document's test.
  std::vector<std::pair<std::string, std::string>> routeTable() const;

  // Handlers created and not yet destroyed: requests being handled right now. HttpService
  // waits for this to reach 0 before it closes connections on stop. Thread-safe.
  int requestsInProgress() const { return *in_progress_; }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter name
    bool is_param;
  };
  struct Route {
    std::string pattern;
    std::vector<Segment> segments;
    std::map<std::string, HandlerFactory, std::less<>> methods;
  };

  // The most specific route matching `segments`, filling `params`; null if none matches.
  const Route* find(const std::vector<std::string_view>& segments, PathParams& params) const;

  // The handler for `request`, an error handler included; never null.
  // `pattern` receives the matched route's pattern, or "unmatched".
  std::unique_ptr<RequestHandler> route(const Poco::Net::HTTPServerRequest& request,
                                        std::string& pattern) const;

  std::vector<Route> routes_;
  Observer observer_;
  std::shared_ptr<const CorsPolicy> cors_;
  // Shared with the handlers, which count themselves in and out.
  std::shared_ptr<std::atomic<int>> in_progress_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace server
