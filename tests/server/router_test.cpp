#include "server/router.h"

#include <memory>
#include <stdexcept>
#include <string>

#include <Poco/Net/HTTPRequest.h>
#include <gtest/gtest.h>

#include "server/health_handler.h"
#include "server/http_error.h"
#include "tests/server/http_client.h"
#include "tests/server/test_server.h"

namespace server {
namespace {

using testing::fetch;
using testing::handlerFactory;
using testing::parseObject;

// Echoes the matched pattern name and its parameters.
HandlerFactory echo(const std::string& name) {
  return [name](const PathParams& params) {
    std::string body = "{\"route\":\"" + name + "\"";
    for (const auto& [key, value] : params) body += ",\"" + key + "\":\"" + value + "\"";
    body += "}";
    return testing::handlerFactory(
        [body](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
          sendJson(response, Poco::Net::HTTPResponse::HTTP_OK, body);
        })(params);
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(new Router) {
    router_->add("GET", "/healthz", [](const PathParams&) {
      return std::make_unique<HealthHandler>([] { return true; });
    });
    router_->add("GET", "/api/recordings/{id}", echo("recording"));
    router_->add("DELETE", "/api/recordings/{id}", echo("delete"));
    router_->add("GET", "/api/recordings/new", echo("new"));
    router_->add("GET", "/api/recordings/{id}/comments/{comment_id}", echo("comment"));
    router_->add("POST", "/null", [](const PathParams&) { return nullptr; });
    router_->add("POST", "/throws", [](const PathParams&) -> std::unique_ptr<RequestHandler> {
      throw std::runtime_error("factory failed");
    });
    server_ = std::make_unique<testing::TestServer>(router_);
  }

  void expectError(const testing::HttpResult& result, int status, const std::string& code) {
    EXPECT_EQ(result.status, status);
    EXPECT_EQ(result.headers.get("Content-Type", ""), "application/json; charset=utf-8");
    EXPECT_EQ(result.headers.get("Cache-Control", ""), "no-store");
    EXPECT_EQ(result.headers.get("Content-Security-Policy", ""), kContentSecurityPolicy);
    const auto error = parseObject(result.body)->getObject("error");
    ASSERT_FALSE(error.isNull()) << result.body;
    EXPECT_EQ(error->getValue<std::string>("code"), code);
    EXPECT_FALSE(error->getValue<std::string>("message").empty());
  }

  std::uint16_t port() const { return server_->port(); }

  Router::Ptr router_;
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(RouterTest, UnknownPathIsJson404) {
  for (const std::string path : {"/", "/nope", "/healthz/", "//healthz", "/HEALTHZ",
                                 "/api/recordings", "/api/recordings/", "/api/recordings/1/x"}) {
    SCOPED_TRACE(path);
    const auto result = fetch(port(), "GET", path);
    expectError(result, 404, "not_found");
    EXPECT_EQ(parseObject(result.body)->getObject("error")->getValue<std::string>("message"),
              "No such resource.");
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto result = fetch(port(), "POST", "/healthz", "{}");
  expectError(result, 405, "method_not_allowed");
  EXPECT_EQ(result.headers.get("Allow", ""), "GET, HEAD");

  result = fetch(port(), "PUT", "/api/recordings/abc");
  expectError(result, 405, "method_not_allowed");
  EXPECT_EQ(result.headers.get("Allow", ""), "DELETE, GET, HEAD");

  result = fetch(port(), "get", "/healthz");  // methods are case-sensitive
  expectError(result, 405, "method_not_allowed");
}

TEST_F(RouterTest, PathParametersAreMatchedAndPassedRaw) {
  auto result = fetch(port(), "GET", "/api/recordings/r-42?x=1");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.body, R"({"route":"recording","id":"r-42"})");

  result = fetch(port(), "GET", "/api/recordings/a%2F..%2Fb");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(parseObject(result.body)->getValue<std::string>("id"), "a%2F..%2Fb");

  result = fetch(port(), "DELETE", "/api/recordings/r-42");
  EXPECT_EQ(result.body, R"({"route":"delete","id":"r-42"})");

  result = fetch(port(), "GET", "/api/recordings/r1/comments/c2");
  EXPECT_EQ(result.body, R"({"route":"comment","comment_id":"c2","id":"r1"})");
}

TEST_F(RouterTest, LiteralSegmentBeatsParameter) {
  EXPECT_EQ(fetch(port(), "GET", "/api/recordings/new").body, R"({"route":"new"})");
  // The literal route has no DELETE, so the most specific match answers 405.
  EXPECT_EQ(fetch(port(), "DELETE", "/api/recordings/new").status, 405);
}

TEST_F(RouterTest, HeadIsServedByGetWithoutBody) {
  const auto result = fetch(port(), "HEAD", "/healthz");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "");
  EXPECT_EQ(result.headers.get("Content-Length", ""), "15");
}

TEST_F(RouterTest, BrokenFactoryGivesJson500) {
  expectError(fetch(port(), "POST", "/null"), 500, "internal_error");
  expectError(fetch(port(), "POST", "/throws"), 500, "internal_error");
  EXPECT_EQ(fetch(port(), "GET", "/healthz").status, 200);  // and the server still serves
}

TEST(RouterRegistrationTest, RejectsBadPatterns) {
  Router router;
  const auto factory = handlerFactory([](auto&, auto&) {});
  for (const std::string pattern : {"", "healthz", "/a//b", "/a/", "/{}", "/{Id}", "/{1d}", "/{id",
                                    "/a{id}", "/{id}/{id}", "/a?b", "/a%2f"}) {
    SCOPED_TRACE(pattern);
    EXPECT_THROW(router.add("GET", pattern, factory), std::invalid_argument);
  }
  EXPECT_THROW(router.add("get", "/x", factory), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x", nullptr), std::invalid_argument);
}

TEST(RouterRegistrationTest, RejectsDuplicatesAndConflicts) {
  Router router;
  const auto factory = handlerFactory([](auto&, auto&) {});
  router.add("GET", "/a/{id}", factory);
  router.add("POST", "/a/{id}", factory);
  router.add("GET", "/", factory);
  EXPECT_THROW(router.add("GET", "/a/{id}", factory), std::invalid_argument);
  EXPECT_THROW(router.add("PUT", "/a/{other}", factory), std::invalid_argument);
  EXPECT_NO_THROW(router.add("GET", "/a/literal", factory));
}

}  // namespace
}  // namespace server
