// The node actor: owns its tick, its peers, its store, its counters and its
// event stream, and composes the handlers of the protocols it is given.
#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gossip/protocol.hpp"
#include "gossip/sampler.hpp"

namespace gossip {

class data_dir;

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
  /// "uniform", "round-robin", "ring" or "zone".
  std::string sampler = "uniform";
  /// zone sampler: share of picks that stay in the node's own zone.
  double zone_local = 0.8;
  /// This node's labels: zone, role, topics ("a,b"), ...
  std::map<std::string, std::string> labels;
  /// Faults injected into this node's sends, for experiments.
  struct fault_config {
    /// Each message is lost with this probability.
    double loss = 0;
    /// Messages leave this many rounds late.
    uint64_t delay_rounds = 0;
    /// From this round on the node is silent and deaf (0: never).
    uint64_t crash_round = 0;
    /// Accepts (faults_atom, loss, delay) while running, for chaos tests.
    /// Off by default: it lets a client degrade the node.
    bool controllable = false;
  } faults;
  /// false: no tick of its own; rounds run only on (in_process, round_atom).
  bool auto_tick = true;
  /// The papers' synchronous rounds (simulations): entries received during a
  /// round are merged only on (in_process, round_end_atom), so the node
  /// answers and judges "already known" from its state at the round's start.
  bool synchronous = false;
  /// true: the node handles every message on the middleman's I/O thread, the
  /// thread that reads and writes its connections, instead of a scheduler
  /// thread (the actor system must have loaded caf::io::middleman). A message
  /// from a peer and the answer to it then cost no thread hand-off; what the
  /// node does (a data directory's fsync too) holds up the process's I/O.
  bool io_thread = false;
  /// Non-null: the store, the clock, the incarnation and the last known
  /// members live on in this data directory (gossip-node --data-dir); the
  /// node restores them before its first message.
  std::shared_ptr<data_dir> storage;
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

/// The peers of an in-process cluster, shared by all its nodes (one copy
/// instead of one per node): names in natural order, their actors, and
/// optionally their labels.
struct directory {
  std::vector<std::string> names;
  std::vector<caf::actor> actors;
  std::vector<std::map<std::string, std::string>> labels;
  std::unordered_map<std::string, uint32_t> index;
  /// names[i] == std::to_string(i) for all i: lookups skip the hash map.
  bool numbered = false;

  static constexpr size_t npos = static_cast<size_t>(-1);
  /// Index of `name`, or npos.
  size_t find(const std::string& name) const;
};

using directory_ptr = std::shared_ptr<const directory>;

struct counters;

/// Read-only view of a node's insides, for simulators and tests that run the
/// node under CAF's deterministic scheduler (nothing runs concurrently then).
/// All pointers are null for an actor that is not a node.
struct node_internals {
  const store* data = nullptr;
  const counters* stats = nullptr;
  const std::vector<std::unique_ptr<protocol>>* protocols = nullptr;
  /// The peers it samples from (a partial view: its active view).
  const std::vector<std::string>* peers = nullptr;
  uint64_t round = 0;
};

node_internals peek(const caf::actor& node);

/// Deterministic clusters only, while no actor runs: node's round starts (or,
/// with node_config::synchronous, ends) at once, as on (in_process,
/// round_atom) or (in_process, round_end_atom) but without a message: a
/// simulation saves two messages per node and round. What the node sends
/// wakes its peers through `unit`. False (nothing done) for a node not yet
/// started or already gone.
bool run_round_now(const caf::actor& node, caf::execution_unit& unit);
bool end_round_now(const caf::actor& node, caf::execution_unit& unit);

/// Empty when `cfg` can run: a valid name, a known sampler, loss in [0, 1],
/// jitter in [0, 1), an interval from 1 ms to 1 h, labels peers accept.
std::string validate(const node_config& cfg);

/// Spawns a node running `protocols` (tried in order for each message).
/// Throws std::invalid_argument when validate(cfg) finds a problem.
caf::actor spawn_node(caf::actor_system& sys, node_config cfg,
                      std::vector<std::unique_ptr<protocol>> protocols);

} // namespace gossip

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gossip::directory_ptr)
