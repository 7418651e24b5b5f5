#include "client/address.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace p9::client {
namespace {

TEST(Address, ParsesTcp) {
  const Address a = Address::parse("tcp:127.0.0.1:5640");
  EXPECT_EQ(a.kind, Address::Kind::Tcp);
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 5640);
  EXPECT_EQ(a.to_string(), "tcp:127.0.0.1:5640");
}

TEST(Address, ParsesIpv6WithAndWithoutBrackets) {
  EXPECT_EQ(Address::parse("tcp:[::1]:564").host, "::1");
  EXPECT_EQ(Address::parse("tcp:::1:564").host, "::1");
  EXPECT_EQ(Address::parse("tcp:::1:564").to_string(), "tcp:[::1]:564");
}

TEST(Address, ParsesUnix) {
  const Address a = Address::parse("unix:/run/p9.sock");
  EXPECT_EQ(a.kind, Address::Kind::Unix);
  EXPECT_EQ(a.path, "/run/p9.sock");
  EXPECT_EQ(a.to_string(), "unix:/run/p9.sock");
}

TEST(Address, RejectsMalformed) {
  for (const char* bad : {"", "127.0.0.1:5640", "tcp:host", "tcp::5640", "tcp:host:0", "tcp:host:70000",
                          "tcp:host:12x", "unix:", "udp:host:1"})
    EXPECT_THROW(Address::parse(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace p9::client
