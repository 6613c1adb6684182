// Peer samplers: who a node talks to in a round.
//
// A sampler picks up to k distinct peers from the current view (the node's
// live peers in natural name order; it may contain the node itself, which is
// never picked). All randomness comes from the caller's RNG, so a seeded node
// makes the same choices every run.
#pragma once

#include <algorithm>
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

/// The uniform sampler's draw over the positions 0..n-1 of a view: up to k
/// distinct positions into `picks`, none for which `is_self` holds
/// (`scratch`: reused memory). The uniform sampler draws with it from the
/// names; a caller that knows its view by position (a numbered cluster,
/// where position i is node i) draws the same positions without reading a
/// name, which at a million nodes is a cache miss each.
template <class IsSelf>
void pick_uniform(size_t n, size_t k, rng_type& rng, IsSelf is_self,
                  std::vector<size_t>& picks, std::vector<size_t>& scratch) {
  picks.clear();
  if (n == 0)
    return;
  if (k * 4 <= n) {
    // Few picks from a large view: draw and retry duplicates (and self),
    // O(k^2) instead of O(n).
    std::uniform_int_distribution<size_t> pick{0, n - 1};
    for (size_t tries = 0; picks.size() < k && tries < 64 * k; ++tries) {
      auto i = pick(rng);
      if (!is_self(i) && std::find(picks.begin(), picks.end(), i) == picks.end())
        picks.push_back(i);
    }
    return;
  }
  // Many picks: partial Fisher-Yates over the positions of the others.
  scratch.clear();
  for (size_t i = 0; i < n; ++i)
    if (!is_self(i))
      scratch.push_back(i);
  k = std::min(k, scratch.size());
  for (size_t i = 0; i < k; ++i) {
    std::uniform_int_distribution<size_t> pick{i, scratch.size() - 1};
    std::swap(scratch[i], scratch[pick(rng)]);
    picks.push_back(scratch[i]);
  }
}

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
