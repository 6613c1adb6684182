// Peer samplers: who a node talks to in a round.
//
// A sampler picks up to k distinct peers from the current view (the node's
// live peers, never itself). All randomness comes from the caller's RNG, so a
// seeded node makes the same choices every run.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace gossip {

using rng_type = std::mt19937_64;

class peer_sampler {
public:
  virtual ~peer_sampler();
  /// Up to `k` distinct names from `view` (which excludes `self`).
  virtual std::vector<std::string> sample(const std::string& self,
                                          const std::vector<std::string>& view,
                                          size_t k, rng_type& rng) = 0;
};

/// k distinct peers drawn uniformly at random each round.
std::unique_ptr<peer_sampler> make_uniform_sampler();

/// Walks a shuffled permutation of the view; reshuffles when exhausted or when
/// the view changes. Every peer is contacted once per pass (bounded staleness).
std::unique_ptr<peer_sampler> make_round_robin_sampler();

/// The k successors of `self` on a ring ordered by natural name order
/// ("2" before "10"), wrapping around.
std::unique_ptr<peer_sampler> make_ring_sampler();

/// By name: "uniform", "round-robin" or "ring"; nullptr for an unknown name.
std::unique_ptr<peer_sampler> make_sampler(const std::string& name);

/// Natural order: digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

/// Derives independent per-node seeds from one cluster seed (splitmix64).
uint64_t derive_seed(uint64_t seed, uint64_t index);

} // namespace gossip
