// The HTTP listener: a bound socket, a pool of worker threads and a Poco HTTPServer serving a
// Router, configured from Config. With a certificate configured the socket is a NetSSL
// SecureServerSocket and every connection is HTTPS (server/tls.h); without one it is plain
// HTTP, which loadConfig() allows on loopback only. The application runs one; tests start one
// in-process on port 0 and talk to it with a real client.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include "server/config.h"
#include "server/router.h"

namespace server {

class HttpService {
 public:
  // Binds config.listen_host:config.listen_port at once (port 0 picks a free port), so bind
  // errors surface here and port() is known before start(). Throws std::runtime_error naming
  // server.host/server.port when the address cannot be resolved or bound, or the TLS key
  // when the certificate or key cannot be loaded.
  HttpService(const Config& config, Router::Ptr router);

  // Stops with a short grace period if stop() was not called.
  ~HttpService();

  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // Starts accepting connections on the worker threads. Call at most once.
  void start();

  // Stops accepting connections, waits up to `grace` for the requests being handled to
  // finish, then shuts every connection down: idle keep-alive ones, requests still being
  // received, and handlers still running (they see I/O errors). Returns once the connections
  // have unwound (bounded by a few seconds more). Idempotent.
  void stop(std::chrono::milliseconds grace);

  // The bound port (the real one when the configuration said 0).
  std::uint16_t port() const;

  // "http://host:port" or "https://host:port" with the bound address, e.g.
  // "https://127.0.0.1:8443".
  std::string url() const;

  // True when connections are HTTPS.
  bool secure() const { return secure_; }

 private:
  Router::Ptr router_;
  bool secure_;
  // A SecureServerSocket when secure_ (it shares its implementation with this handle).
  Poco::Net::ServerSocket socket_;
  // Declared before server_ so the threads outlive the server that uses them.
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace server
