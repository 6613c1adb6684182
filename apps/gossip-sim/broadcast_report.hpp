// How gossip-sim reports the broadcast experiment (overlay.hpp): a JSON row
// or a table row per run, a summary per configuration and failure fraction,
// and a plot comparing the configurations.
#pragma once

#include <string>
#include <vector>

#include "sim.hpp"

namespace gossip::sim {

/// The runs of one configuration (overlay and protocol) at one failure
/// fraction.
struct broadcast_group {
  std::string overlay;
  std::string protocol;
  double fail = 0;
  std::vector<result> runs;
};

std::string broadcast_json(const result& r, uint64_t run);
void broadcast_table_header();
void broadcast_table_row(uint64_t run, const result& r);
/// Means and standard deviations over the group's runs: JSON or text.
std::string broadcast_summary(const broadcast_group& g, bool as_json);

/// Several failure fractions: mean reliability against the fraction, one line
/// per configuration. One fraction: each broadcast's reliability in order
/// (how the overlay heals), one line per configuration.
void broadcast_plot(const std::vector<broadcast_group>& groups, size_t nodes,
                    const std::string& path);

} // namespace gossip::sim
