// The plain-HTTP listening socket (development mode, or behind a TLS proxy).
// Its connections wait for their next keep-alive request with one poll(2):
// Poco 1.11's SocketImpl::poll creates an epoll instance, adds the socket, waits
// and closes it again on every call, four system calls and a file per request
// (docs/server-connection-wait.md). The connection's two addresses are remembered
// rather than asked for per request.
#pragma once

#include <Poco/Net/ServerSocket.h>

namespace server {

// An unbound server socket; bind() and listen() as with Poco's own.
Poco::Net::ServerSocket plainServerSocket();

}  // namespace server
