// Peer samplers: who a node talks to in a round.
//
// A sampler picks up to k distinct peers from the current view (the node's
// live peers in natural name order; it may contain the node itself, which is
// never picked). All randomness comes from the caller's RNG, so a seeded node
// makes the same choices every run.
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gossip/rng.hpp"

namespace gossip {

class peer_sampler {
public:
  virtual ~peer_sampler();
  /// Up to `k` distinct names from `view` (which excludes `self`).
  virtual std::vector<std::string> sample(const std::string& self,
                                          const std::vector<std::string>& view, size_t k,
                                          rng_type& rng) = 0;
};

/// k distinct peers drawn uniformly at random each round.
std::unique_ptr<peer_sampler> make_uniform_sampler();

/// Walks a shuffled permutation of the view; reshuffles when exhausted or when
/// the view changes. Every peer is contacted once per pass (bounded staleness).
std::unique_ptr<peer_sampler> make_round_robin_sampler();

/// The k successors of `self` on a ring ordered by natural name order
/// ("2" before "10"), wrapping around. Expects the view in that order.
std::unique_ptr<peer_sampler> make_ring_sampler();

/// A peer's label (e.g. its zone), "" when unknown.
using label_lookup = std::function<std::string(const std::string& peer)>;

/// Directed by topology: each pick stays in the node's own zone with
/// probability `local` (when there is such a peer), else goes to another zone.
std::unique_ptr<peer_sampler> make_zone_sampler(label_lookup zone_of, double local);

/// By name: "uniform", "round-robin", "ring" or "zone" (with `zone_of` and
/// `local`); nullptr for an unknown name.
std::unique_ptr<peer_sampler> make_sampler(const std::string& name,
                                           label_lookup zone_of = {}, double local = 0.8);

/// Natural order: digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

/// Derives independent per-node seeds from one cluster seed (splitmix64).
uint64_t derive_seed(uint64_t seed, uint64_t index);

} // namespace gossip
