// "Internal use only" (R4): which client addresses may reach recordings, and
// which may log in and upload (a school may open uploads from home while
// recordings stay inside). The client address is the socket's peer, or the
// last X-Forwarded-For hop that a configured proxy vouches for; the header is
// ignored from anyone else, so it cannot be forged from outside.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/IPAddress.h>

namespace server {

// One CIDR block, "10.0.0.0/8" or "fd00::/8"; a bare address is a /32 or /128.
class Cidr {
 public:
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const Poco::Net::IPAddress& address) const;

 private:
  Cidr(Poco::Net::IPAddress network, unsigned prefix) : network_(network), prefix_(prefix) {}
  Poco::Net::IPAddress network_;
  unsigned prefix_;
};

// A comma-separated list of blocks; nullopt if any entry is malformed.
std::optional<std::vector<Cidr>> parseCidrList(std::string_view text);

class NetworkPolicy {
 public:
  NetworkPolicy(std::vector<Cidr> recordings, std::vector<Cidr> uploads,
                std::vector<Cidr> trusted_proxies)
      : recordings_(std::move(recordings)),
        uploads_(std::move(uploads)),
        proxies_(std::move(trusted_proxies)) {}

  // The address the request comes from (see above).
  Poco::Net::IPAddress clientAddress(const Poco::Net::HTTPServerRequest& request) const;

  // Throw HttpError 403 network_not_allowed unless the client is in the list.
  void requireRecordings(const Poco::Net::HTTPServerRequest& request) const;
  void requireUploads(const Poco::Net::HTTPServerRequest& request) const;

 private:
  static bool within(const std::vector<Cidr>& list, const Poco::Net::IPAddress& address);
  std::vector<Cidr> recordings_;
  std::vector<Cidr> uploads_;
  std::vector<Cidr> proxies_;
};

}  // namespace server
