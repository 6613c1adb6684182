// One simulated run: N nodes in one process under CAF's deterministic
// scheduler, round-synchronised, one update injected at a random node, and
// the epidemic measured the way the papers do.
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
  double spawn_ms = 0;
  double run_ms = 0;
  double rss_kib_per_node = 0;
};

/// Runs one simulation; `progress(round)` is called after each round.
/// Throws std::invalid_argument for bad settings.
result run(const settings& s, uint64_t run_index,
           const std::function<void(size_t)>& progress);

} // namespace gossip::sim
