// Uses caf-gossip::actors: three push-pull nodes under the deterministic
// scheduler (exact rounds, no wall clock); a write on node 0 must reach node 2.
#include <iostream>

#include "gossip/local_cluster.hpp"

int main() {
  gossip::cluster_options opts;
  opts.nodes = 3;
  opts.protocol = "push-pull";
  opts.deterministic = true;
  gossip::local_cluster cluster{opts};
  cluster.put(0, "greeting", "hello from node 0");
  auto rounds = cluster.rounds_until_converged(50);
  for (auto& x : cluster.snapshot(2)) {
    if (x.key == "greeting" && x.e.value == "hello from node 0") {
      std::cout << "cluster-app: node 2 holds greeting = '" << x.e.value
                << "' (rounds: " << rounds << ")\n";
      return 0;
    }
  }
  std::cerr << "cluster-app: node 2 never got the write (" << rounds << " rounds)\n";
  return 1;
}
