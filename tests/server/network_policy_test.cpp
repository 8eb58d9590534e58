// "Internal use only": CIDR matching and the client address behind proxies.
#include "server/network_policy.h"

#include <gtest/gtest.h>

#include <Poco/Net/IPAddress.h>

namespace server {
namespace {

bool in(const char* cidr, const char* address) {
  auto block = Cidr::parse(cidr);
  EXPECT_TRUE(block) << cidr;
  return block && block->contains(Poco::Net::IPAddress(address));
}

TEST(NetworkPolicy, CidrBlocksMatchTheirAddressesOnly) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(in("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(in("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(in("192.168.1.7", "192.168.1.7"));  // a bare address is a /32
  EXPECT_FALSE(in("192.168.1.7", "192.168.1.8"));
  EXPECT_TRUE(in("0.0.0.0/0", "8.8.8.8"));
  EXPECT_TRUE(in("::/0", "2001:db8::1"));  // "open to everyone" for IPv6
  EXPECT_TRUE(in("::/0", "::1"));
  EXPECT_FALSE(in("::/0", "8.8.8.8"));
  EXPECT_TRUE(in("fc00::/7", "fd12:3456::1"));
  EXPECT_FALSE(in("fc00::/7", "2001:db8::1"));
  EXPECT_TRUE(in("::1", "::1"));
  // A dual-stack socket reports IPv4 peers as mapped IPv6: they match IPv4 blocks.
  EXPECT_TRUE(in("127.0.0.0/8", "::ffff:127.0.0.1"));
  EXPECT_FALSE(in("10.0.0.0/8", "::1"));
}

TEST(NetworkPolicy, MalformedListsAreRefused) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "banana", "10.0.0.0/", "::/129", "1.2.3.4/-1",
                          "10.0.0.0/8,,"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parseCidrList(bad));
  }
  EXPECT_TRUE(parseCidrList("")->empty());
  EXPECT_EQ(parseCidrList("10.0.0.0/8, 192.168.0.0/16 ,::1")->size(), 3u);
  EXPECT_EQ(parseCidrList("0.0.0.0/0,::/0")->size(), 2u);
}

}  // namespace
}  // namespace server
