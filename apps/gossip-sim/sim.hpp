// One simulated run: N nodes in one thread, round-synchronised, one update
// injected at a random node, and the epidemic measured the way the papers
// do. The nodes run on gossip-sim's own runtime (world.hpp) or, to check it,
// as node actors under CAF's deterministic scheduler (runtime.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gossip/params.hpp"

namespace gossip::sim {

struct settings {
  std::string protocol = "push-pull";
  params protocol_params;
  size_t nodes = 1000;
  uint64_t seed = 1;
  size_t max_rounds = 200;
  std::string sampler = "uniform";
  /// "direct": gossip-sim's own runtime (world.hpp); "actors": node actors
  /// under CAF's deterministic scheduler. The same seed, the same run.
  std::string runtime = "direct";
  /// true: the papers' synchronous rounds (what a node receives in round r
  /// takes effect at the end of r). false (--rounds=async): it takes effect
  /// at once, so later requests of the same round already see it.
  bool synchronous = true;
  // Faults.
  double loss = 0;
  uint64_t delay = 0;
  /// Crash this fraction of nodes (never the origin) at round `crash_round`.
  double crash = 0;
  uint64_t crash_round = 1;
  // Directed gossip.
  size_t zones = 0; // zone label = i % zones (with --sampler=zone)
  double zone_local = 0.8;
  double subscribers = 0.1; // fraction of nodes subscribed to the topic
  // Overlays and broadcasts (overlay.hpp).
  /// "full": every node knows every node; "hyparview": nodes join one by one
  /// through a random earlier node, then run `stabilise` rounds.
  std::string overlay = "full";
  /// hyparview: "one-by-one" (the papers) or "at-once": every node through
  /// node 0 before any round, as a cluster starts with one seed.
  std::string join = "one-by-one";
  size_t stabilise = 50;
  /// > 0: the broadcast experiment: after stabilising, a fraction `fail` of
  /// the nodes fails at once, then one broadcast per round from a survivor.
  size_t broadcasts = 0;
  double fail = 0;
};

struct result {
  size_t nodes = 0;
  size_t rounds = 0;
  double residue = 0;
  double traffic = 0;
  double t_ave = 0;
  double t_last = 0;
  double bytes_per_node = 0;
  /// Fraction of nodes holding the update after each round (index 0: start).
  std::vector<double> informed;
  /// push-sum: max relative error of all estimates after each round.
  std::vector<double> max_rel_error;
  /// directed: non-subscribers the rumor reached, as a fraction of them.
  double non_subscribers_reached = -1;
  // The broadcast experiment (overlay.hpp); reliability < 0 otherwise.
  std::string overlay;
  std::string protocol;
  double fail = 0;
  size_t survivors = 0;
  /// Mean over broadcasts of the fraction of survivors that delivered it.
  double reliability = -1;
  /// Each broadcast's fraction, in order.
  std::vector<double> reliabilities;
  /// Relative message redundancy: payload messages / (deliveries - 1) - 1.
  double rmr = 0;
  /// Mean over broadcasts of the hop count of its last delivery.
  double ldh = 0;
  /// Rounds after the failure until no survivor's view held a failed node
  /// and the views connected all survivors again (-1: not within the run;
  /// full membership never forgets the failed).
  long heal_rounds = -1;
  /// Overlay upkeep (joins, shuffles, keepalives): control messages per node
  /// and round, over the whole run.
  double control_per_node_round = 0;
  double spawn_ms = 0;
  double run_ms = 0;
  double rss_kib_per_node = 0;
};

/// Where a run is, after each of its rounds.
struct progress_info {
  size_t round = 0;
  /// Fraction of the audience informed (push-sum: -1).
  double informed = 0;
  /// push-sum: max relative error of the estimates (otherwise -1).
  double error = -1;
};

/// Runs one simulation; `progress` is called after each round.
/// Throws std::invalid_argument for bad settings.
result run(const settings& s, uint64_t run_index,
           const std::function<void(const progress_info&)>& progress);

} // namespace gossip::sim
