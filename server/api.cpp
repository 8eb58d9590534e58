#include "server/api.h"

#include <istream>
#include <sstream>

#include <openssl/crypto.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/URI.h>

#include "server/request_handler.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;

HttpError invalidField(const std::string& key, const std::string& expected) {
  return HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                   "Field \"" + key + "\": " + expected + ".");
}

class FunctionHandler final : public RequestHandler {
 public:
  FunctionHandler(RouteBody body, PathParams params)
      : body_(std::move(body)), params_(std::move(params)) {}

 private:
  void handle(Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response) override {
    body_(request, response, params_);
  }
  RouteBody body_;
  PathParams params_;
};

// Reasons that mean "the input breaks a rule" rather than "not you".
bool isInputReason(acl::Reason reason) {
  switch (reason) {
    using enum acl::Reason;
    case kDeniedWrittenPurposeMissing:
    case kDeniedPurposeEndMissing:
    case kDeniedPurposeEndInPast:
    case kDeniedPurposeEndBeyondCap:
    case kDeniedReasonRequired:
    case kDeniedConsultationMissing:
    case kDeniedUntilInPast:
    case kDeniedParticipantMismatch:
    case kDeniedNoRights:
    case kDeniedCommentWithoutView:
    case kDeniedManageOnlyForStaff:
    case kDeniedSecondSubjectPupil:
    case kDeniedNoSubjectPupil:
    case kDeniedAlreadyOwner:
    case kDeniedCannotRemoveOwner:
    case kDeniedWrongPurposeForRelation:
    case kDeniedConsultationInFuture:
    case kDeniedConsultationWithoutTrainee:
    case kDeniedConsultationWithoutPupil:
    case kDeniedConsultationWithoutGuardian:
    case kDeniedPupilName:
    case kDeniedNameNeedsConfirmation:
    case kDeniedUnknownConsentCategory:
    case kDeniedConsentFormInFuture:
    case kDeniedAlreadyParticipant:
      return true;
    default:
      return false;
  }
}

}  // namespace

void throwStorageError(const storage::Error& error) {
  using storage::ErrorCode;
  switch (error.code) {
    case ErrorCode::kNotFound:
      throw recordingNotFound();
    case ErrorCode::kInvalidArgument:
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_request",
                      "The request is out of bounds: " + error.message + ".");
    case ErrorCode::kLimit:
      // A count reached (comments, erasure requests): the request is fine, the state is full.
      throw HttpError(HTTPResponse::HTTP_CONFLICT, "limit_reached",
                      "A limit was reached: " + error.message + ".");
    case ErrorCode::kBusy:
      throw HttpError(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "busy",
                      "The server is busy; try again shortly.");
    default:
      // Details go to the log only: they may name files or keys.
      throw std::runtime_error("storage: " + error.toString());
  }
}

HttpError recordingNotFound() {
  return HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found",
                   "No such recording, or you have no access to it.");
}

HttpError denialError(const acl::Denial& denial) {
  const auto status = isInputReason(denial.reason) ? HTTPResponse::HTTP_UNPROCESSABLE_ENTITY
                                                   : HTTPResponse::HTTP_FORBIDDEN;
  return HttpError(status, std::string(acl::reasonName(denial.reason)), denial.message);
}

storage::Id recordingIdParam(const PathParams& params, std::string_view name) {
  const auto found = params.find(name);
  if (found == params.end()) throw recordingNotFound();
  auto id = storage::Id::parse(found->second);
  if (!id) throw recordingNotFound();
  return *id;
}

Poco::JSON::Object::Ptr readJsonObject(Poco::Net::HTTPServerRequest& request,
                                       std::size_t max_bytes) {
  const std::string type = request.getContentType();
  if (!type.starts_with("application/json")) {
    throw HttpError(HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Send the body as application/json.");
  }
  if (request.hasContentLength() &&
      request.getContentLength64() > static_cast<Poco::Int64>(max_bytes)) {
    throw HttpError(HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                    "The request body is larger than " + std::to_string(max_bytes) + " bytes.");
  }
  std::string body(max_bytes + 1, '\0');
  std::istream& in = request.stream();
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(in.gcount()));
  if (body.size() > max_bytes) {
    throw HttpError(HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                    "The request body is larger than " + std::to_string(max_bytes) + " bytes.");
  }
  // Bodies may carry passwords: the raw text does not outlive the parse.
  Poco::JSON::Object::Ptr object;
  bool valid = true;
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var value = parser.parse(body);
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
      object = value.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception&) {
    valid = false;
  }
  OPENSSL_cleanse(body.data(), body.size());
  if (!valid) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad_json", "The body is not valid JSON.");
  }
  if (!object) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad_json", "The body must be a JSON object.");
  }
  return object;
}

std::optional<std::string> optionalString(const Poco::JSON::Object& object,
                                          const std::string& key, std::size_t max_bytes) {
  if (!object.has(key) || object.isNull(key)) return std::nullopt;
  const Poco::Dynamic::Var value = object.get(key);
  if (!value.isString()) throw invalidField(key, "expected a string");
  auto text = value.extract<std::string>();
  if (text.size() > max_bytes) {
    throw invalidField(key, "at most " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

std::string requireString(const Poco::JSON::Object& object, const std::string& key,
                          std::size_t max_bytes) {
  auto text = optionalString(object, key, max_bytes);
  if (!text) throw invalidField(key, "required");
  return *text;
}

std::optional<std::int64_t> optionalInt(const Poco::JSON::Object& object, const std::string& key,
                                        std::int64_t min, std::int64_t max) {
  if (!object.has(key) || object.isNull(key)) return std::nullopt;
  const Poco::Dynamic::Var value = object.get(key);
  if (!value.isInteger()) throw invalidField(key, "expected an integer");
  std::int64_t number = 0;
  try {
    number = value.convert<std::int64_t>();
  } catch (const Poco::Exception&) {
    throw invalidField(key, "expected an integer");
  }
  if (number < min || number > max) {
    throw invalidField(key, "expected " + std::to_string(min) + ".." + std::to_string(max));
  }
  return number;
}

bool optionalBool(const Poco::JSON::Object& object, const std::string& key, bool fallback) {
  if (!object.has(key) || object.isNull(key)) return fallback;
  const Poco::Dynamic::Var value = object.get(key);
  if (!value.isBoolean()) throw invalidField(key, "expected true or false");
  return value.extract<bool>();
}

acl::Date parseDateField(const std::string& key, const std::string& text) {
  auto date = acl::parseDate(text);
  if (!date) throw invalidField(key, "expected a date YYYY-MM-DD");
  return *date;
}

std::optional<std::string> queryParam(const Poco::Net::HTTPServerRequest& request,
                                      std::string_view name) {
  try {
    const Poco::URI uri(request.getURI());
    for (const auto& [key, value] : uri.getQueryParameters()) {
      if (key == name) return value;
    }
  } catch (const Poco::Exception&) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad_query", "The query string is malformed.");
  }
  return std::nullopt;
}

void sendObject(Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object& object,
                Poco::Net::HTTPResponse::HTTPStatus status) {
  std::ostringstream out;
  object.stringify(out);
  sendJson(response, status, out.str());
}

void sendNoContent(Poco::Net::HTTPServerResponse& response) {
  response.setStatusAndReason(HTTPResponse::HTTP_NO_CONTENT);
  response.setContentLength64(0);
  response.send();
}

HandlerFactory route(RouteBody body) {
  return [body = std::move(body)](const PathParams& params) -> std::unique_ptr<RequestHandler> {
    return std::make_unique<FunctionHandler>(body, params);
  };
}

}  // namespace server
