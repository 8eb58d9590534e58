#include "server/request_handler.h"

#include <exception>
#include <string>
#include <string_view>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include "server/http_error.h"

namespace server {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("lessonvault.http"); }

constexpr std::streamsize kMaxDrainedBody = 1 << 20;

// Method and path without the query string, which may carry tokens that must not be logged.
std::string describe(const Poco::Net::HTTPServerRequest& request) {
  const std::string& uri = request.getURI();
  return request.getMethod() + " " + uri.substr(0, uri.find('?'));
}

bool hasBody(const Poco::Net::HTTPServerRequest& request) {
  return request.getChunkedTransferEncoding() || request.getContentLength64() > 0;
}

void closeConnection(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) {
  response.setKeepAlive(false);
  if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
    impl->socket().shutdown();
  }
}

void answerFailure(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                   Poco::Net::HTTPResponse::HTTPStatus status, std::string_view code,
                   std::string_view message) {
  try {
    if (response.sent()) {
      logger().warning(describe(request) + ": failed after the response started; closing");
      closeConnection(request, response);
      return;
    }
    if (hasBody(request)) {
      response.setKeepAlive(false);
      // Read what is left of a small body first: closing with unread bytes
      // makes the kernel send a reset, and the client may lose the answer
      // before it reads it. A large one is cut off all the same.
      request.stream().ignore(kMaxDrainedBody);
    }
    sendError(response, status, code, message);
  } catch (const std::exception& e) {
    // The client is usually gone; there is nobody left to answer.
    logger().debug(describe(request) + ": could not send the error response: " + e.what());
  }
}

void answerInternalError(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response, const std::string& what) {
  logger().error(describe(request) + ": " + what);
  answerFailure(request, response, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                "internal_error", "The server failed to handle the request.");
}

}  // namespace

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
  try {
    // TCP_NODELAY (else the last partial segment of a response waits 40-200 ms for
    // the client's delayed ACK) is set by Poco's TCPServer on every connection it
    // accepts, plain or TLS.
    setSecurityHeaders(response, request.secure());
    handle(request, response);
  } catch (const HttpError& e) {
    logger().debug(describe(request) + ": " + e.code() + ": " + e.what());
    answerFailure(request, response, e.status(), e.code(), e.what());
  } catch (const Poco::Exception& e) {
    answerInternalError(request, response, e.displayText());
  } catch (const std::exception& e) {
    answerInternalError(request, response, e.what());
  } catch (...) {
    answerInternalError(request, response, "unknown exception");
  }
}

}  // namespace server
