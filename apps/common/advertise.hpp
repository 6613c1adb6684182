// Where a node listens (--host) and what it tells members (--advertise) are
// two things: behind a port forward, NAT or a container the address peers
// must dial is not the one the socket is bound to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gossip::cli {

/// --advertise as given: a host, and a port unless it took the bound one.
struct advertise_spec {
  std::string host;
  /// 0: the port the node is bound to.
  uint16_t port = 0;
};

/// Reads --advertise: HOST, an IPv6 address bare or in brackets, HOST:PORT or
/// [V6]:PORT. Throws std::invalid_argument for anything else or a wildcard.
advertise_spec read_advertise(const std::string& text);

/// 0.0.0.0 or :: (any IPv6 spelling of them): every local address.
bool is_wildcard(const std::string& host);

/// Checks --host and --advertise together (a wildcard --host needs an
/// --advertise: "0.0.0.0" reaches nobody). Throws std::invalid_argument.
void check_bind(const std::string& host, const std::optional<advertise_spec>& adv);

/// The "host:port" members are told: the advertised one, else host:bound.
std::string advertised_address(const std::string& host, uint16_t bound,
                               const std::optional<advertise_spec>& adv);

} // namespace gossip::cli
