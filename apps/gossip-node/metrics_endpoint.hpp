// gossip-node --metrics=HOST:PORT: Prometheus' text format at /metrics
// (prometheus-cpp's exposer, civetweb underneath), read from the node at
// each scrape. Kept out of every other file: prometheus-cpp is linked into
// gossip-node only.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "gossip/address.hpp"

namespace gossip {

class metrics_endpoint {
public:
  /// Listens on `where` (port 0: a free one) and serves what `node` and the
  /// system's connection guard report. Throws std::runtime_error when it
  /// cannot listen.
  metrics_endpoint(caf::actor_system& sys, caf::actor node, std::string name,
                   const host_port& where);
  ~metrics_endpoint();
  metrics_endpoint(const metrics_endpoint&) = delete;
  metrics_endpoint& operator=(const metrics_endpoint&) = delete;

  /// The port it listens on.
  uint16_t port() const;

  /// Whether the civetweb library can listen on IPv6 (Debian's 1.15 is
  /// built without it).
  static bool ipv6();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gossip
