// Overlays in the simulator: HyParView's join phase, and the broadcast
// experiment of the HyParView and Plumtree papers (Leitão, Pereira,
// Rodrigues 2007): stabilise, fail a fraction of the nodes at once, then
// broadcast from survivors and measure reliability, redundancy (RMR) and the
// last delivery hop (LDH).
#pragma once

#include <functional>

#include "gossip/local_cluster.hpp"
#include "gossip/rng.hpp"
#include "sim.hpp"
#include "world.hpp"

namespace gossip::sim {

/// The protocols a node runs: the overlay's first ("hyparview,plumtree").
std::string protocols_of(const settings& s);

/// HyParView: node i joins through a random node j < i, one at a time, as in
/// the paper, or (--join=at-once) every node through node 0 at once; nothing
/// for full membership.
void join_overlay(local_cluster& cluster, const settings& s, rng_type& rng);
void join_overlay(world& w, const settings& s, rng_type& rng);

/// The broadcast experiment (settings::broadcasts > 0).
result run_broadcasts(const settings& s, uint64_t run_index,
                      const std::function<void(const progress_info&)>& progress);

} // namespace gossip::sim
