#include "server/router.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>
#include <utility>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerRequest.h>

#include "server/http_error.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;

// Answers every request with one fixed error, through the RequestHandler error path.
class ErrorHandler : public RequestHandler {
 public:
  ErrorHandler(HTTPResponse::HTTPStatus status, std::string code, std::string message,
               std::string allow = {})
      : status_(status),
        code_(std::move(code)),
        message_(std::move(message)),
        allow_(std::move(allow)) {}

 protected:
  void handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override {
    if (!allow_.empty()) response.set("Allow", allow_);
    throw HttpError(status_, code_, message_);
  }

 private:
  HTTPResponse::HTTPStatus status_;
  std::string code_;
  std::string message_;
  std::string allow_;
};

std::unique_ptr<RequestHandler> internalError() {
  return std::make_unique<ErrorHandler>(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal_error",
                                        "The server failed to handle the request.");
}

// Counts a handler in while it exists (Poco destroys it right after handleRequest returns).
class CountedHandler : public Poco::Net::HTTPRequestHandler {
 public:
  CountedHandler(std::unique_ptr<RequestHandler> inner, std::shared_ptr<std::atomic<int>> counter,
                 std::string pattern, const Router::Observer* observer, const CorsPolicy* cors)
      : inner_(std::move(inner)),
        counter_(std::move(counter)),
        pattern_(std::move(pattern)),
        observer_(observer),
        cors_(cors) {
    ++*counter_;
  }
  ~CountedHandler() override { --*counter_; }
  CountedHandler(const CountedHandler&) = delete;
  CountedHandler& operator=(const CountedHandler&) = delete;

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    if (cors_ != nullptr) {
      setSecurityHeaders(response, request.secure());
      if (cors_->preflight(request, response)) return;
      cors_->decorate(request, response);
    }
    inner_->handleRequest(request, response);
    if (observer_ && *observer_) {
      try {
        (*observer_)(pattern_, request.getMethod(), static_cast<int>(response.getStatus()));
      } catch (const std::exception& e) {
        Poco::Logger::get("lessonvault.http").error(std::string("request observer: ") + e.what());
      }
    }
  }

 private:
  std::unique_ptr<RequestHandler> inner_;
  std::shared_ptr<std::atomic<int>> counter_;
  std::string pattern_;
  const Router::Observer* observer_;
  const CorsPolicy* cors_;
};

// "/" -> {}, "/a/b" -> {"a", "b"}, "/a/" -> {"a", ""}. `path` starts with '/'.
std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path == "/") return segments;
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

bool isParamName(std::string_view name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front())) &&
         std::ranges::all_of(name, [](char c) {
           return std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '_';
         });
}

bool isMethod(std::string_view method) {
  return !method.empty() && std::ranges::all_of(method, [](char c) {
    return std::isupper(static_cast<unsigned char>(c));
  });
}

// The pattern with parameter names blanked: two patterns of the same shape match the same paths.
std::string shapeOf(std::string_view pattern) {
  std::string shape;
  for (const auto segment : splitPath(pattern)) {
    shape += segment.starts_with('{') ? "/{}" : "/" + std::string(segment);
  }
  return shape;
}

std::string allowHeader(const std::map<std::string, HandlerFactory, std::less<>>& methods) {
  std::vector<std::string> names;
  for (const auto& [name, factory] : methods) names.push_back(name);
  if (methods.contains("GET") && !methods.contains("HEAD")) names.emplace_back("HEAD");
  std::ranges::sort(names);
  std::string allow;
  for (const auto& name : names) allow += (allow.empty() ? "" : ", ") + name;
  return allow;
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, HandlerFactory factory) {
  const std::string where = std::string(method) + " " + std::string(pattern);
  if (!isMethod(method)) throw std::invalid_argument(where + ": bad method");
  if (!pattern.starts_with('/')) throw std::invalid_argument(where + ": must start with '/'");
  if (!factory) throw std::invalid_argument(where + ": no handler factory");
  Route entry{std::string(pattern), {}, {}};
  for (const auto segment : splitPath(pattern)) {
    const bool is_param = segment.starts_with('{') && segment.ends_with('}');
    const auto text = is_param ? segment.substr(1, segment.size() - 2) : segment;
    const bool ok =
        is_param ? isParamName(text) : !text.empty() && text.find_first_of("{}?#%") == text.npos;
    const bool repeated = is_param && std::ranges::any_of(entry.segments, [&](const Segment& s) {
                            return s.is_param && s.text == text;
                          });
    if (!ok || repeated) {
      throw std::invalid_argument(where + ": bad segment '" + std::string(segment) + "'");
    }
    entry.segments.push_back({std::string(text), is_param});
  }
  const auto same_shape = std::ranges::find_if(
      routes_, [&](const Route& r) { return shapeOf(r.pattern) == shapeOf(pattern); });
  if (same_shape == routes_.end()) {
    entry.methods.emplace(method, std::move(factory));
    routes_.push_back(std::move(entry));
    return;
  }
  if (same_shape->pattern != pattern) {
    throw std::invalid_argument(where + ": conflicts with " + same_shape->pattern);
  }
  if (!same_shape->methods.emplace(method, std::move(factory)).second) {
    throw std::invalid_argument(where + ": registered twice");
  }
}

const Router::Route* Router::find(const std::vector<std::string_view>& segments,
                                  PathParams& params) const {
  const Route* best = nullptr;
  for (const auto& candidate : routes_) {
    if (candidate.segments.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const auto& wanted = candidate.segments[i];
      matches = wanted.is_param ? !segments[i].empty() : wanted.text == segments[i];
    }
    if (!matches) continue;
    // Same length and both match: the first segment where they differ decides.
    const auto more_specific = [&](const Route& a, const Route& b) {
      for (std::size_t i = 0; i < a.segments.size(); ++i) {
        if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
      }
      return false;
    };
    if (best == nullptr || more_specific(candidate, *best)) best = &candidate;
  }
  if (best != nullptr) {
    params.clear();
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (best->segments[i].is_param) params.emplace(best->segments[i].text, segments[i]);
    }
  }
  return best;
}

std::unique_ptr<RequestHandler> Router::route(const Poco::Net::HTTPServerRequest& request,
                                              std::string& pattern) const {
  pattern = "unmatched";
  const std::string& uri = request.getURI();
  // Only origin-form targets ("/path?query") name our resources; "*" and absolute URIs do not.
  const Route* matched = nullptr;
  PathParams params;
  if (uri.starts_with('/')) {
    const std::string_view path = std::string_view(uri).substr(0, uri.find_first_of("?#"));
    matched = find(splitPath(path), params);
  }
  if (matched == nullptr) {
    return std::make_unique<ErrorHandler>(HTTPResponse::HTTP_NOT_FOUND, "not_found",
                                          "No such resource.");
  }
  pattern = matched->pattern;
  auto factory = matched->methods.find(request.getMethod());
  if (factory == matched->methods.end() &&
      request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD) {
    factory = matched->methods.find(Poco::Net::HTTPRequest::HTTP_GET);
  }
  if (factory == matched->methods.end()) {
    return std::make_unique<ErrorHandler>(
        HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
        "This resource does not support that method; see Allow.", allowHeader(matched->methods));
  }
  try {
    if (auto handler = factory->second(params)) return handler;
    Poco::Logger::get("lessonvault.http")
        .error(matched->pattern + ": handler factory returned null");
  } catch (const std::exception& e) {
    Poco::Logger::get("lessonvault.http")
        .error(matched->pattern + ": handler factory failed: " + e.what());
  }
  return internalError();
}

std::vector<std::pair<std::string, std::string>> Router::routeTable() const {
  std::vector<std::pair<std::string, std::string>> table;
  for (const Route& r : routes_) {
    for (const auto& [method, factory] : r.methods) table.emplace_back(method, r.pattern);
  }
  return table;
}

Poco::Net::HTTPRequestHandler* Router::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
  std::string pattern;
  auto handler = route(request, pattern);
  return new CountedHandler(std::move(handler), in_progress_, std::move(pattern), &observer_,
                            cors_.get());
}

}  // namespace server
