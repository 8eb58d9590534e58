// A real HTTP client for tests: one request per call over Poco::Net::HTTPClientSession, to a
// server started in-process on 127.0.0.1.
#pragma once

#include <cstdint>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/Net/NameValueCollection.h>

namespace server::testing {

struct HttpResult {
  int status = 0;
  Poco::Net::NameValueCollection headers;
  std::string body;
};

// Sends `method path` with `body` (if not empty) and reads the whole response; throws on
// network errors or after a 5 s timeout.
HttpResult fetch(std::uint16_t port, const std::string& method, const std::string& path,
                 const std::string& body = {});

// The same with extra request headers (Cookie, Origin, X-CSRF-Token, ...).
HttpResult fetch(std::uint16_t port, const std::string& method, const std::string& path,
                 const std::string& body, const Poco::Net::NameValueCollection& headers);

// Parses `text` as a JSON object; throws (failing the test) if it is not one.
Poco::JSON::Object::Ptr parseObject(const std::string& text);

}  // namespace server::testing
