// The base of every request handler: sets the security headers, then runs the handler and
// catches whatever it throws, exactly once, so no exception ever reaches Poco (which would
// drop the connection) and no error escapes without a log line.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace server {

// Subclasses implement handle(). A handler object serves one request and is not shared
// between threads (Poco creates one per request through the Router).
//
// What happens to an exception thrown from handle():
// - HttpError: answered with its status and code (logged at debug level);
// - anything else: logged as an error and answered 500 internal_error, with no detail
//   sent to the client;
// - if the response was already sent (a stream was under way), no second status can be
//   sent: the failure is logged and the connection is closed, so the client sees a
//   truncated body instead of a complete-looking one.
// On an error the connection is also closed when the request had a body, since its unread
// bytes would otherwise be parsed as the next request.
class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) final;

 protected:
  virtual void handle(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response) = 0;
};

}  // namespace server
