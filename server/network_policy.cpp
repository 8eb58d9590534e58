#include "server/network_policy.h"

#include <algorithm>
#include <charconv>

#include <Poco/Exception.h>
#include <Poco/String.h>

#include "server/http_error.h"

namespace server {
namespace {

// IPv4-mapped IPv6 (::ffff:a.b.c.d), as a dual-stack socket reports IPv4
// peers, compares as the IPv4 address.
Poco::Net::IPAddress canonical(const Poco::Net::IPAddress& address) {
  if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped()) {
    const auto* bytes = static_cast<const unsigned char*>(address.addr());
    return Poco::Net::IPAddress(bytes + 12, 4);
  }
  return address;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never a school's network.
Poco::Net::IPAddress kUnknownClient() { return Poco::Net::IPAddress("192.0.2.1"); }

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  // inet_aton also reads "10.0.0" and "10" as addresses; in a list meant to
  // fence off networks that is a typo, not a shorthand.
  if (address.find(':') == std::string_view::npos && std::ranges::count(address, '.') != 3) {
    return std::nullopt;
  }
  Poco::Net::IPAddress network;
  if (address == "::") {
    // Poco's parser refuses the unspecified address, which "::/0" (every
    // IPv6 client) needs; the family constructor makes exactly it.
    network = Poco::Net::IPAddress(Poco::Net::IPAddress::IPv6);
  } else if (!Poco::Net::IPAddress::tryParse(std::string(address), network)) {
    return std::nullopt;
  }
  const unsigned bits = network.family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
        prefix > bits) {
      return std::nullopt;
    }
  }
  return Cidr(network, prefix);
}

bool Cidr::contains(const Poco::Net::IPAddress& raw) const {
  const Poco::Net::IPAddress address = canonical(raw);
  if (address.family() != network_.family()) return false;
  const auto* a = static_cast<const unsigned char*>(address.addr());
  const auto* n = static_cast<const unsigned char*>(network_.addr());
  unsigned left = prefix_;
  for (unsigned i = 0; left > 0; ++i) {
    const unsigned take = left >= 8 ? 8 : left;
    const auto mask = static_cast<unsigned char>(0xFF << (8 - take));
    if ((a[i] & mask) != (n[i] & mask)) return false;
    left -= take;
  }
  return true;
}

std::optional<std::vector<Cidr>> parseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  if (trim(text).empty()) return out;
  while (true) {
    const auto comma = text.find(',');
    auto cidr = Cidr::parse(text.substr(0, comma));
    if (!cidr) return std::nullopt;
    out.push_back(*cidr);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

bool NetworkPolicy::within(const std::vector<Cidr>& list, const Poco::Net::IPAddress& address) {
  for (const Cidr& cidr : list) {
    if (cidr.contains(address)) return true;
  }
  return false;
}

Poco::Net::IPAddress NetworkPolicy::clientAddress(
    const Poco::Net::HTTPServerRequest& request) const {
  Poco::Net::IPAddress peer = canonical(request.clientAddress().host());
  if (!within(proxies_, peer)) return peer;
  // Every X-Forwarded-For line, in order (a proxy may add its own line rather
  // than append to the client's), walked from the right while each hop is a
  // trusted proxy; the first untrusted hop is the client.
  std::string chain_text;
  for (auto it = request.find("X-Forwarded-For"); it != request.end() &&
                                                  Poco::icompare(it->first, "X-Forwarded-For") == 0;
       ++it) {
    chain_text += (chain_text.empty() ? "" : ",") + it->second;
  }
  std::string_view chain = chain_text;
  while (!trim(chain).empty()) {
    const auto comma = chain.rfind(',');
    const std::string_view hop = trim(comma == std::string_view::npos ? chain : chain.substr(comma + 1));
    Poco::Net::IPAddress address;
    // A hop a proxy wrote that is not a plain address: fail closed, with an
    // address no allowlist names.
    if (!Poco::Net::IPAddress::tryParse(std::string(hop), address)) return kUnknownClient();
    peer = canonical(address);
    if (!within(proxies_, peer)) return peer;
    if (comma == std::string_view::npos) break;
    chain = chain.substr(0, comma);
  }
  return peer;
}

void NetworkPolicy::requireRecordings(const Poco::Net::HTTPServerRequest& request) const {
  if (within(recordings_, clientAddress(request))) return;
  throw HttpError(Poco::Net::HTTPResponse::HTTP_FORBIDDEN, "network_not_allowed",
                  "Recordings can only be watched from the school's network.");
}

void NetworkPolicy::requireUploads(const Poco::Net::HTTPServerRequest& request) const {
  if (within(uploads_, clientAddress(request))) return;
  throw HttpError(Poco::Net::HTTPResponse::HTTP_FORBIDDEN, "network_not_allowed",
                  "Signing in and uploading are only possible from the school's network.");
}

}  // namespace server
