#include <gtest/gtest.h>

#include "gossip/address.hpp"

using namespace gossip;

TEST(Address, ParsesHostAndPort) {
  EXPECT_EQ(parse_host_port("127.0.0.1:7001"), (host_port{"127.0.0.1", 7001}));
  EXPECT_EQ(parse_host_port("node-a.example:1"), (host_port{"node-a.example", 1}));
  EXPECT_EQ(parse_host_port("h:65535"), (host_port{"h", 65535}));
}

TEST(Address, ParsesBracketedIpv6) {
  EXPECT_EQ(parse_host_port("[::1]:7946"), (host_port{"::1", 7946}));
  EXPECT_EQ(parse_host_port("[fe80::1:2]:80"), (host_port{"fe80::1:2", 80}));
}

TEST(Address, RejectsWhatIsNotHostColonPort) {
  for (auto bad : {"",
                   ":7001",
                   "host",
                   "host:",
                   "host:0",
                   "host:65536",
                   "host:99999999999",
                   "host:-1",
                   "host:+80",
                   "host:80x",
                   "host: 80",
                   " host:80",
                   "ho st:80",
                   "::1:80",
                   "[::1]",
                   "[::1]80",
                   "[::1]:",
                   "[]:80",
                   "[127.0.0.1]:80",
                   "[::1:80",
                   "a]:80",
                   "host:80\n"})
    EXPECT_FALSE(parse_host_port(bad).has_value()) << "accepted '" << bad << "'";
}

TEST(Address, PrintsWhatItParses) {
  EXPECT_EQ(to_string(host_port{"127.0.0.1", 7001}), "127.0.0.1:7001");
  EXPECT_EQ(to_string(host_port{"::1", 7946}), "[::1]:7946");
  for (auto text : {"10.0.0.7:7946", "[2001:db8::7]:7946", "localhost:1"})
    EXPECT_EQ(to_string(*parse_host_port(text)), text);
}
