// One chaos run: a cluster of TLS nodes in network namespaces, the schedule's
// faults applied when due, gossip-ctl writes in between (each acknowledgement
// recorded with the process that gave it), then the heal and the checks.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "chaos_schedule.hpp"
#include "gossip/rng.hpp"
#include "netns.hpp"
#include "process_cluster.hpp"

namespace gossip::chaos {

/// A write some node acknowledged: which process of it (its life) and when.
struct ack {
  std::string key;
  std::string value;
  size_t node = 0;
  size_t life = 0;
  uint64_t version = 0;
  int64_t at_ms = 0;
};

/// One entry as `gossip-ctl dump` reports it.
struct held {
  uint64_t version = 0;
  std::string origin;
  std::string value;
  bool tombstone = false;
  bool operator==(const held& o) const {
    return version == o.version && origin == o.origin && value == o.value &&
           tombstone == o.tombstone;
  }
  bool operator!=(const held& o) const { return !(*this == o); }
};

using store_view = std::map<std::string, held>;

struct run_options {
  uint64_t seed = 1;
  size_t nodes = 5;
  /// gossip-node and gossip-ctl live here.
  std::string bin_dir;
  /// Certificates for n1..nN and the client "ctl" (test::make_cluster_pki).
  std::string pki_dir;
  /// Every node's stderr (nN.log) and gossip-ctl's (ctl.log).
  std::string log_dir;
  /// gossip-node --protocol; empty: its default.
  std::string protocol;
  /// Non-empty: every node keeps its data in DATA_ROOT/<name> (--data-dir),
  /// so a write is asserted even if its node was killed afterwards.
  std::string data_root;
};

class run {
public:
  /// The nodes run in `lan`'s namespaces, one each.
  run(run_options opts, netns::lan& lan);

  /// Starts every node; true once all see all alive (within 60 s).
  bool start();
  /// The chaos phase: the schedule's steps when due, writes in between,
  /// until every step is done and `duration_ms` has passed.
  void inject(const std::vector<step>& steps, int64_t duration_ms);
  /// Whatever is left: one LAN, every node running, no loss or delay.
  void heal_all();
  /// Polls until every node sees all alive, all stores are equal and hold
  /// every asserted write, or `bound` passes. Empty when it converged, else
  /// every problem still found.
  std::string converge(std::chrono::milliseconds bound);
  void stop();

  /// What the writes came to, in one line.
  std::string summary() const;
  /// Messages the degraded nodes' fault layers dropped, all told.
  uint64_t dropped() const { return lost_; }
  /// Processes that ended on their own (nodes, gossip-ctl calls); empty if none.
  std::string crashes() const;
  /// The last lines of every log.
  std::string log_tails() const;

private:
  int ctl(size_t i, const std::vector<std::string>& args, std::string* out = nullptr);
  int64_t elapsed() const;
  void say(const std::string& what) const;
  /// An acknowledged write is asserted if its node was not killed afterwards,
  /// or kept its data across the kill.
  bool survived(const ack& a) const {
    return !opts_.data_root.empty() || lives_[a.node] == a.life;
  }
  void write();
  void restart(size_t i);
  void apply(const step& s);
  uint64_t messages_lost(size_t i);
  std::string membership_problem(size_t i);
  bool dump(size_t i, store_view& into);
  std::string check(bool all);

  run_options opts_;
  netns::lan& lan_;
  rng_type writes_rng_;
  proc::process_cluster cluster_;
  int64_t t0_;
  int64_t heal_ms_ = 0;
  std::vector<size_t> lives_;
  std::set<size_t> paused_, dead_;
  std::vector<ack> acks_;
  size_t attempts_ = 0;
  size_t ctl_crashes_ = 0;
  uint64_t lost_ = 0;
  std::vector<std::string> died_;
  store_view final_;
};

/// The seed, the schedule and how to rerun it (with the options of `o`).
std::string describe(uint64_t seed, const std::vector<step>& steps, const run_options& o);

} // namespace gossip::chaos
