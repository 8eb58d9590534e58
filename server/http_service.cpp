#include "server/http_service.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include "server/plain_socket.h"
#include "server/tls.h"

namespace server {
namespace {

// After the grace period, shut-down connections still need a moment to unwind.
constexpr std::chrono::seconds kUnwindLimit{5};
constexpr std::chrono::milliseconds kFlushAllowance{100};

template <typename Condition>
void waitUntil(Condition done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Poco::Net::HTTPServerParams::Ptr paramsFrom(const Config& config) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(config.max_threads);
  params->setMaxQueued(config.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(config.keep_alive_timeout_s, 0));
  params->setMaxKeepAliveRequests(config.max_keep_alive_requests);
  params->setTimeout(Poco::Timespan(config.io_timeout_s, 0));
  return params;
}

}  // namespace

HttpService::HttpService(const Config& config, Router::Ptr router)
    : router_(router), secure_(tlsEnabled(config)) {
  const std::string where = config.listen_host + ":" + std::to_string(config.listen_port);
  // The TLS handshake runs on the worker thread, on the connection's first read, so the
  // acceptor never waits for a client; a silent one holds a worker until the request timeout
  // (Poco's default, 60 s: measured), as on plain HTTP.
  socket_ = secure_ ? Poco::Net::SecureServerSocket(makeTlsContext(config)) : plainServerSocket();
  try {
    // SO_REUSEADDR allows a quick restart; SO_REUSEPORT would let a second instance share
    // the port silently, so it stays off.
    socket_.bind(Poco::Net::SocketAddress(config.listen_host, config.listen_port),
                 /*reuseAddress=*/true, /*reusePort=*/false);
    socket_.listen();
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("server.host/server.port: cannot listen on " + where + ": " +
                             e.displayText());
  }
  // Poco's default pool has 16 threads; server.threads must be the real limit.
  threads_ = std::make_unique<Poco::ThreadPool>("http", std::min(config.max_threads, 4),
                                                config.max_threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(router, *threads_, socket_, paramsFrom(config));
}

HttpService::~HttpService() {
  try {
    stop(std::chrono::seconds(1));
  } catch (const std::exception& e) {
    Poco::Logger::get("lessonvault.http").error(std::string("stopping failed: ") + e.what());
  }
}

void HttpService::start() {
  if (started_) throw std::logic_error("HttpService::start called twice");
  started_ = true;
  server_->start();
}

void HttpService::stop(std::chrono::milliseconds grace) {
  if (stopped_) return;
  stopped_ = true;
  // Poco's own graceful stopAll(false) waits without a bound for a request still being
  // received, and a later stopAll(true) cannot interrupt it; so wait on our own count of
  // running handlers, then abort everything at once.
  server_->stop();
  waitUntil([this] { return router_->requestsInProgress() == 0; }, grace);
  if (router_->requestsInProgress() == 0) {
    // A handler's last buffered bytes are flushed by Poco just after the handler is destroyed.
    std::this_thread::sleep_for(kFlushAllowance);
  } else {
    Poco::Logger::get("lessonvault.http")
        .warning("requests still running after the grace period; closing their connections");
  }
  server_->stopAll(/*abortCurrent=*/true);
  waitUntil([this] { return server_->currentConnections() == 0; }, kUnwindLimit);
}

std::uint16_t HttpService::port() const { return socket_.address().port(); }

std::string HttpService::url() const {
  return (secure_ ? "https://" : "http://") + socket_.address().toString();
}

}  // namespace server
