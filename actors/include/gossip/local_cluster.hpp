// N nodes in one actor_system: in real time, or under CAF's deterministic
// test scheduler where a round is exact (every node runs it before any
// message of that round is delivered) and the same seed gives the same run.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gossip/counters.hpp"
#include "gossip/membership.hpp"
#include "gossip/node.hpp"
#include "gossip/params.hpp"
#include "gossip/replicas.hpp"
#include "gossip/store.hpp"

namespace gossip {

struct cluster_options {
  size_t nodes = 5;
  /// Names from registry.hpp, comma-separated ("swim,push-pull").
  std::string protocol = "push";
  params protocol_params;
  /// Template for every node (name and seed are set per node).
  node_config node;
  /// Per-node seeds are derived from this one.
  uint64_t seed = 1;
  /// true: virtual time, rounds driven by run_round().
  bool deterministic = false;
  /// Deterministic only: the papers' synchronous rounds (node_config::
  /// synchronous); run_round() ends each round on every node.
  bool synchronous = false;
  /// Scheduler threads in real-time mode (0: CAF's default).
  size_t threads = 0;
  /// Labels of node i (zone, topics, ...), visible to every node; none if empty.
  std::function<std::map<std::string, std::string>(size_t)> labels_of;
};

class local_cluster {
public:
  /// Throws std::invalid_argument for bad options.
  explicit local_cluster(cluster_options opts);
  ~local_cluster();

  local_cluster(const local_cluster&) = delete;
  local_cluster& operator=(const local_cluster&) = delete;

  caf::actor_system& system();
  size_t size() const;
  const caf::actor& node(size_t i) const;
  /// Node i is named std::to_string(i).
  std::string name(size_t i) const;
  bool deterministic() const;

  /// Deterministic: one exact round on every node, then delivers everything
  /// it caused (synchronous: then ends the round on every node, merging what
  /// it held). Real time: waits one interval.
  void run_round();
  /// Deterministic: delivers all pending messages.
  void settle();

  uint64_t put(size_t i, const std::string& key, const std::string& value);
  bool erase(size_t i, const std::string& key);
  /// Write levels and convergence (replicas.hpp). Deterministic: the nodes'
  /// retries and deadlines fire in virtual time, in order, until the answer
  /// is in (no rounds run meanwhile).
  hold_report put(size_t i, const std::string& key, const std::string& value,
                  const write_level& level);
  hold_report erase(size_t i, const std::string& key, const write_level& level);
  hold_report wait(size_t i, const std::string& key, std::chrono::milliseconds timeout);
  view_report agree(size_t i, std::chrono::milliseconds timeout);
  std::vector<keyed_entry> snapshot(size_t i);
  counters stats(size_t i);
  /// The peers node i samples from (never itself).
  std::vector<std::string> peers(size_t i);
  /// Node i's view of the membership (itself first).
  std::vector<member_update> members(size_t i);
  /// Deterministic only: node i's insides, read directly (no messages).
  node_internals peek(size_t i) const;
  /// Crashes node i: it stops at once, saying nothing to anyone.
  void crash(size_t i);
  /// Crashes all of them at once: none hears of another's crash before it
  /// goes down itself.
  void crash(const std::vector<size_t>& nodes);
  /// Node i leaves gracefully (its protocols say goodbye).
  void leave(size_t i);
  /// True when all nodes hold exactly the same writes.
  bool converged();
  /// Deterministic: runs rounds until converged; returns how many ran, or
  /// max_rounds + 1 if it did not converge by then.
  size_t rounds_until_converged(size_t max_rounds);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gossip
