// The two runtimes a simulation runs on, behind the few calls it makes:
// gossip-sim's own world (world.hpp, the default) and the node actors under
// CAF's deterministic scheduler (local_cluster, --runtime=actors). Both run
// the same protocols and, for the same seed, the same messages in the same
// order; the actors are the reference the world is checked against.
#pragma once

#include <caf/message.hpp>

#include <functional>
#include <string>
#include <vector>

#include "gossip/local_cluster.hpp"
#include "sim.hpp"
#include "world.hpp"

namespace gossip::sim {

/// A request to node i's protocols (broadcast, join ...), delivered by the
/// next settle().
void tell(local_cluster& cluster, size_t i, const caf::message& request);
inline void tell(world& w, size_t i, const caf::message& request) {
  w.tell(i, request);
}

/// Events of these nodes go to f.
void observe(local_cluster& cluster, const std::vector<size_t>& nodes,
             std::function<void(const event&)> f);
inline void observe(world& w, const std::vector<size_t>& nodes,
                    std::function<void(const event&)> f) {
  w.observe(nodes, std::move(f));
}

/// Both runtimes are built from a world's options (world.hpp); the node
/// actors' cluster from the same ones.
cluster_options actor_options(const world_options& o);

/// Runs f(cluster) on the runtime `s.runtime` names, built from `o`; the
/// time and memory the building took go into the result f returns.
result on_runtime(const settings& s, const world_options& o,
                  const std::function<result(local_cluster&)>& on_actors,
                  const std::function<result(world&)>& on_world);

} // namespace gossip::sim
