// The node actor: owns its tick, its peers, its store, its counters and its
// event stream, and composes the handlers of the protocols it is given.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gossip/protocol.hpp"

namespace gossip {

struct node_config {
  /// Unique within the cluster.
  std::string name;
  /// "host:port" others reach this node at; empty in-process.
  std::string address;
  /// Time between rounds.
  std::chrono::milliseconds interval{1000};
  /// Each round starts after interval * (1 ± jitter), uniformly; 0 = exact.
  double jitter = 0.1;
  /// Seeds the node's RNG (peer choice, jitter, protocol coins).
  uint64_t seed = 0;
  /// "uniform", "round-robin" or "ring".
  std::string sampler = "uniform";
  /// false: no tick of its own; rounds run only on (round_atom).
  bool auto_tick = true;
  gossip::limits limits;
};

/// A peer as the node knows it: a name and an actor handle (local or proxy).
struct peer {
  std::string name;
  caf::actor handle;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer& x) {
  return f(x.name, x.handle);
}

/// Spawns a node running `protocols` (tried in order for each message).
/// Throws std::invalid_argument for a bad name or sampler.
caf::actor spawn_node(caf::actor_system& sys, node_config cfg,
                      std::vector<std::unique_ptr<protocol>> protocols);

} // namespace gossip
