#include "server/http_service.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
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

// The number of epoll instances this process holds open.
int epollInstances() {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const auto target = std::filesystem::read_symlink(entry.path(), error);
    if (!error && target.string() == "anon_inode:[eventpoll]") ++count;
  }
  return count;
}

TEST(HttpServiceTest, AnIdleKeepAliveConnectionWaitsWithoutAnEpollInstance) {
  // Poco 1.11 waits for the next request on a keep-alive connection, and its acceptor
  // for the next connection, with an epoll instance made and closed per wait; the
  // plain socket (plain_socket.h) waits with one poll(2).
  testing::TestServer server(makeRouter(Services{}));
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  session.setKeepAlive(true);
  std::uint16_t client_port = 0;
  for (int round = 0; round < 2; ++round) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    ASSERT_EQ(response.getStatus(), HTTPResponse::HTTP_OK);
    ASSERT_TRUE(response.getKeepAlive());
    // One connection throughout (the client would reconnect silently if the server
    // had closed it, and an idle wait would then prove nothing).
    if (round == 0) client_port = session.socket().address().port();
    EXPECT_EQ(session.socket().address().port(), client_port);
    // The server's connection thread now waits for the next request.
    for (int look = 0; look < 10; ++look) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      EXPECT_EQ(epollInstances(), 0) << "round " << round << ", look " << look;
    }
  }
}

TEST(HttpServiceTest, AnIdleKeepAliveConnectionIsClosedAfterItsTimeout) {
  Config config = testing::testConfig();
  config.keep_alive_timeout_s = 1;
  HttpService service(config, makeRouter(Services{}));
  service.start();
  Poco::Net::StreamSocket client(Poco::Net::SocketAddress("127.0.0.1", service.port()));
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  client.sendBytes(request.data(), static_cast<int>(request.size()));
  client.setReceiveTimeout(Poco::Timespan(5, 0));
  std::string received;
  char buffer[4096];
  // The whole response: headers, then the JSON body that ends it.
  while (received.find("\r\n\r\n") == std::string::npos || received.back() != '}') {
    const int n = client.receiveBytes(buffer, sizeof buffer);
    ASSERT_GT(n, 0) << received;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ASSERT_EQ(received.rfind("HTTP/1.1 200", 0), 0u) << received;
  const auto idle_from = std::chrono::steady_clock::now();
  EXPECT_EQ(client.receiveBytes(buffer, sizeof buffer), 0)
      << "the server closes the idle connection";
  const auto idle = std::chrono::steady_clock::now() - idle_from;
  EXPECT_GE(idle, std::chrono::milliseconds(900));
  EXPECT_LT(idle, std::chrono::seconds(4));
  service.stop(std::chrono::seconds(1));
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
