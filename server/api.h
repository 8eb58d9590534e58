// What every JSON route shares: the one mapping from module errors (storage,
// acl) to HTTP, bounded JSON request bodies with per-field validation, ids in
// paths, and JSON responses. Handlers throw HttpError; RequestHandler answers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "acl/purpose.h"
#include "acl/reason.h"
#include "server/http_error.h"
#include "server/router.h"
#include "storage/error.h"
#include "storage/ids.h"

namespace server {

// The largest JSON body any route accepts unless it says otherwise.
inline constexpr std::size_t kMaxJsonBody = 64 * 1024;

// storage::Error → HttpError: not_found 404, invalid_argument 400, limit 413,
// busy 503, anything else 500 (logged, no detail sent).
[[noreturn]] void throwStorageError(const storage::Error& error);

template <typename T>
T unwrap(storage::Result<T> result) {
  if (!result) throwStorageError(result.error());
  return std::move(*result);
}
inline void unwrap(const storage::Status& status) {
  if (!status) throwStorageError(status.error());
}

// Invariant 2: an unknown recording and a forbidden one get this same answer.
HttpError recordingNotFound();

// A rule a request broke (acl::Denial): 403 for "you may not", 422 for "this
// input breaks a rule"; the code is the reason's name.
HttpError denialError(const acl::Denial& denial);

// The recording id in a path: exactly 32 lowercase hex digits; anything else
// is answered as an unknown recording (404), never used as a name.
storage::Id recordingIdParam(const PathParams& params, std::string_view name = "id");

// Reads the request body (at most `max_bytes`, else 413 body_too_large) and
// parses it as a JSON object (400 bad_json otherwise). Requires
// Content-Type: application/json (415 unsupported_media_type).
Poco::JSON::Object::Ptr readJsonObject(Poco::Net::HTTPServerRequest& request,
                                       std::size_t max_bytes = kMaxJsonBody);

// Field accessors: 400 invalid_field naming the field when it is missing
// (required), of the wrong type, or longer than `max_bytes`.
std::string requireString(const Poco::JSON::Object& object, const std::string& key,
                          std::size_t max_bytes);
std::optional<std::string> optionalString(const Poco::JSON::Object& object,
                                          const std::string& key, std::size_t max_bytes);
std::optional<std::int64_t> optionalInt(const Poco::JSON::Object& object, const std::string& key,
                                        std::int64_t min, std::int64_t max);
bool optionalBool(const Poco::JSON::Object& object, const std::string& key, bool fallback);
// 400 invalid_field unless the text is a calendar date YYYY-MM-DD.
acl::Date parseDateField(const std::string& key, const std::string& text);

// The value of query parameter `name` (decoded), if present.
std::optional<std::string> queryParam(const Poco::Net::HTTPServerRequest& request,
                                      std::string_view name);

// Sends `object` as the JSON body with `status`.
void sendObject(Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object& object,
                Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK);
void sendNoContent(Poco::Net::HTTPServerResponse& response);

// A route handler from a function; the function may throw HttpError.
using RouteBody = std::function<void(Poco::Net::HTTPServerRequest&,
                                     Poco::Net::HTTPServerResponse&, const PathParams&)>;
HandlerFactory route(RouteBody body);

}  // namespace server
