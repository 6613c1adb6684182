// A node's network address, "host:port" or "[v6addr]:port": the one place
// that splits and joins them (command lines, seeds, the addresses nodes
// advertise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gossip {

struct host_port {
  /// A name or an IPv4 address, or an IPv6 address without its brackets.
  std::string host;
  uint16_t port = 0;
};

/// "host:port" or "[v6addr]:port" with a port in 1..65535; nothing for an
/// empty host, a missing or bad port, an unbracketed IPv6 address, or a
/// blank or control character anywhere.
std::optional<host_port> parse_host_port(const std::string& text);

/// "host:port", brackets around an IPv6 host: what parse_host_port reads.
std::string to_string(const host_port& x);

inline bool operator==(const host_port& a, const host_port& b) {
  return a.host == b.host && a.port == b.port;
}

} // namespace gossip
