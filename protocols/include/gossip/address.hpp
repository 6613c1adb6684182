// host:port, the one parser: "host:port" or "[v6addr]:port".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gossip {

struct host_port {
  std::string host;
  uint16_t port = 0;
};

/// Nothing for an empty host or a port outside 1..65535.
std::optional<host_port> parse_host_port(const std::string& text);

/// "host:port", with brackets around an IPv6 host.
std::string to_string(const host_port& x);

} // namespace gossip
