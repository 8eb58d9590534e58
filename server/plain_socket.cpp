#include "server/plain_socket.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <poll.h>
#include <sys/socket.h>

#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocketImpl.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timespan.h>

namespace server {
namespace {

using Poco::Net::Socket;

// Longer waits are cut here (Poco's own timeouts in config are minutes at most):
// poll(2) takes an int of milliseconds.
constexpr std::chrono::milliseconds kLongestWait{std::chrono::hours(24)};

// What SocketImpl::poll answers (1: ready for `mode`, or an error or hang-up for
// the next call to find; 0: timed out), with one poll(2) and the remaining time
// kept across signals; -errno when poll itself fails. SELECT_ERROR needs no
// event: poll(2) always reports errors and hang-ups.
int pollOne(int fd, const Poco::Timespan& timeout, int mode) {
  short events = 0;
  if ((mode & Socket::SELECT_READ) != 0) events |= POLLIN;
  if ((mode & Socket::SELECT_WRITE) != 0) events |= POLLOUT;
  pollfd entry{fd, events, 0};
  using Clock = std::chrono::steady_clock;
  const auto wait = std::min<std::chrono::microseconds>(
      std::chrono::microseconds(std::max<Poco::Timespan::TimeDiff>(timeout.totalMicroseconds(), 0)),
      kLongestWait);
  const auto deadline = Clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const int rc = ::poll(&entry, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    if (rc >= 0) return rc > 0 ? 1 : 0;
    if (errno != EINTR) return -errno;
  }
}

// A Poco socket implementation whose poll is pollOne.
template <typename Impl>
class Polling : public Impl {
 public:
  using Impl::Impl;
  bool poll(const Poco::Timespan& timeout, int mode) override {
    // poll(2) would ignore a closed descriptor (-1) and sleep the whole timeout.
    if (this->sockfd() == POCO_INVALID_SOCKET) throw Poco::Net::InvalidSocketException();
    const int rc = pollOne(this->sockfd(), timeout, mode);
    if (rc < 0) Impl::error(-rc);  // throws, as Poco's own poll does
    return rc > 0;
  }

 protected:
  ~Polling() override = default;
};

class PollingStreamSocketImpl final : public Polling<Poco::Net::StreamSocketImpl> {
 public:
  PollingStreamSocketImpl(poco_socket_t fd, const Poco::Net::SocketAddress& peer)
      : Polling(fd), peer_(peer), local_(StreamSocketImpl::address()) {}
  // A connection's two ends never change, but Poco asks the kernel for both
  // (getpeername, getsockname) with every request it parses.
  Poco::Net::SocketAddress peerAddress() override { return peer_; }
  Poco::Net::SocketAddress address() override { return local_; }

 protected:
  ~PollingStreamSocketImpl() override = default;

 private:
  const Poco::Net::SocketAddress peer_;
  const Poco::Net::SocketAddress local_;
};

// The acceptor's own wait is pollOne too (Poco's TCPServer polls every 250 ms).
class PollingServerSocketImpl final : public Polling<Poco::Net::ServerSocketImpl> {
 public:
  // As SocketImpl::acceptConnection, but the connection is ours and not inherited
  // by a child process. (TCP_NODELAY: Poco's TCPServer sets it on every accepted
  // connection, plain or TLS.)
  Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& client) override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    int fd = -1;
    do {
      length = sizeof address;
      fd = ::accept4(sockfd(), reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) error(errno);
    client = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address),
                                      static_cast<poco_socklen_t>(length));
    return new PollingStreamSocketImpl(fd, client);
  }

 protected:
  ~PollingServerSocketImpl() override = default;
};

class PlainServerSocket final : public Poco::Net::ServerSocket {
 public:
  PlainServerSocket() : ServerSocket(new PollingServerSocketImpl, true) {}
};

}  // namespace

Poco::Net::ServerSocket plainServerSocket() { return PlainServerSocket(); }

}  // namespace server
