#include "server/http_service.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "server/http_error.h"
#include "server/routes.h"
#include "tests/server/http_client.h"
#include "tests/server/test_server.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using testing::fetch;
using testing::handlerFactory;
using testing::parseObject;

void expectSecurityHeaders(const testing::HttpResult& result) {
  EXPECT_EQ(result.headers.get("Cache-Control", ""), "no-store");
  EXPECT_EQ(result.headers.get("X-Content-Type-Options", ""), "nosniff");
  EXPECT_EQ(result.headers.get("Referrer-Policy", ""), "no-referrer");
  EXPECT_EQ(result.headers.get("Content-Security-Policy", ""),
            "default-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
}

TEST(HttpServiceTest, HealthzAnswersOkWithSecurityHeaders) {
  testing::TestServer server(makeRouter(Services{}));
  ASSERT_NE(server.port(), 0);
  const auto result = fetch(server.port(), "GET", "/healthz");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.headers.get("Content-Type", ""), "application/json; charset=utf-8");
  EXPECT_EQ(parseObject(result.body)->getValue<std::string>("status"), "ok");
  expectSecurityHeaders(result);
}

TEST(HttpServiceTest, HealthzIs503WhenTheProbeFails) {
  std::atomic<bool> healthy = true;
  Services services;
  services.is_healthy = [&healthy] { return healthy.load(); };
  testing::TestServer server(makeRouter(services));
  EXPECT_EQ(fetch(server.port(), "GET", "/healthz").status, 200);
  healthy = false;
  const auto result = fetch(server.port(), "GET", "/healthz");
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(parseObject(result.body)->getValue<std::string>("status"), "unavailable");
  expectSecurityHeaders(result);
}

TEST(HttpServiceTest, HealthzIs503WhenTheProbeThrows) {
  Services services;
  services.is_healthy = []() -> bool { throw std::runtime_error("database is locked"); };
  testing::TestServer server(makeRouter(services));
  const auto result = fetch(server.port(), "GET", "/healthz");
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(result.body.find("locked"), std::string::npos);
}

TEST(HttpServiceTest, NotFoundCarriesSecurityHeaders) {
  testing::TestServer server(makeRouter(Services{}));
  const auto result = fetch(server.port(), "GET", "/missing");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(parseObject(result.body)->getObject("error")->getValue<std::string>("code"),
            "not_found");
  expectSecurityHeaders(result);
}

TEST(HttpServiceTest, HandlerExceptionsAreMappedOnce) {
  Router::Ptr router = makeRouter(Services{});
  router->add("GET", "/boom", handlerFactory([](HTTPServerRequest&, HTTPServerResponse&) {
                throw std::runtime_error("secret internal detail");
              }));
  router->add("GET", "/teapot", handlerFactory([](HTTPServerRequest&, HTTPServerResponse&) {
                throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad_id", "Bad \"id\".\n");
              }));
  testing::TestServer server(router);

  auto result = fetch(server.port(), "GET", "/boom");
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(parseObject(result.body)->getObject("error")->getValue<std::string>("code"),
            "internal_error");
  EXPECT_EQ(result.body.find("secret"), std::string::npos);
  expectSecurityHeaders(result);

  result = fetch(server.port(), "GET", "/teapot");
  EXPECT_EQ(result.status, 400);
  const auto error = parseObject(result.body)->getObject("error");
  EXPECT_EQ(error->getValue<std::string>("code"), "bad_id");
  EXPECT_EQ(error->getValue<std::string>("message"), "Bad \"id\".\n");

  EXPECT_EQ(fetch(server.port(), "GET", "/healthz").status, 200);
}

TEST(HttpServiceTest, FailureAfterTheResponseStartedClosesTheConnection) {
  Router::Ptr router = makeRouter(Services{});
  router->add("GET", "/stream", handlerFactory([](HTTPServerRequest&, HTTPServerResponse& r) {
                r.setContentLength64(100);
                r.send() << "0123456789" << std::flush;
                throw std::runtime_error("source failed mid-stream");
              }));
  testing::TestServer server(router);
  const auto result = fetch(server.port(), "GET", "/stream");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "0123456789");  // truncated: no second status, no error body
  EXPECT_EQ(fetch(server.port(), "GET", "/healthz").status, 200);
}

TEST(HttpServiceTest, StopLetsARequestInProgressFinish) {
  Router::Ptr router = makeRouter(Services{});
  std::promise<void> entered;
  router->add("GET", "/slow", handlerFactory([&entered](HTTPServerRequest&, HTTPServerResponse& r) {
                entered.set_value();
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                sendJson(r, HTTPResponse::HTTP_OK, "{}");
              }));
  testing::TestServer server(router);
  auto reply = std::async(std::launch::async, [&] { return fetch(server.port(), "GET", "/slow"); });
  entered.get_future().wait();
  server.service().stop(std::chrono::seconds(5));
  EXPECT_EQ(reply.get().status, 200);
}

TEST(HttpServiceTest, StopIsBoundedByTheGracePeriod) {
  Router::Ptr router = makeRouter(Services{});
  std::promise<void> entered;
  router->add("GET", "/stuck",
              handlerFactory([&entered](HTTPServerRequest&, HTTPServerResponse& r) {
                entered.set_value();
                std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                sendJson(r, HTTPResponse::HTTP_OK, "{}");
              }));
  testing::TestServer server(router);
  auto reply =
      std::async(std::launch::async, [&] { return fetch(server.port(), "GET", "/stuck"); });
  entered.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  server.service().stop(std::chrono::milliseconds(100));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_ANY_THROW(reply.get());  // the connection was shut down before the answer
}

TEST(HttpServiceTest, BindFailureNamesTheKeys) {
  testing::TestServer first(makeRouter(Services{}));
  Config config = testing::testConfig();
  config.listen_port = first.port();
  try {
    HttpService second(config, makeRouter(Services{}));
    FAIL() << "binding a port in use succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("server.host/server.port"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(first.port())), std::string::npos);
  }
}

TEST(HttpServiceTest, UrlReportsTheBoundPort) {
  testing::TestServer server(makeRouter(Services{}));
  EXPECT_EQ(server.service().url(), "http://127.0.0.1:" + std::to_string(server.port()));
}

}  // namespace
}  // namespace server
