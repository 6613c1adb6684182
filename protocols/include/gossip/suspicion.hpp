// A SWIM suspicion with Lifeguard's dynamic timeout (Dadgar et al. 2017):
// it starts long and shrinks, logarithmically, with every independent
// confirmation, down to the minimum once `k` members (the expected number of
// indirect probers) have confirmed it. In small clusters, where k
// confirmations cannot be expected, the minimum applies, as in memberlist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace gossip {

struct suspicion_config {
  /// Min timeout = mult * max(1, log10 n) rounds.
  double mult = 4;
  /// Max timeout = max_factor * min.
  double max_factor = 6;
  /// Confirmations that bring the timeout down to the minimum.
  size_t k = 3;
};

/// Rounds a suspicion lasts in a cluster of n members after `confirmations`
/// independent confirmations (beyond the first report).
uint64_t suspicion_timeout(const suspicion_config& cfg, size_t n, size_t confirmations);

class suspicion {
public:
  suspicion(uint64_t incarnation, uint64_t since_round, const std::string& reporter);

  uint64_t incarnation() const { return incarnation_; }

  /// Counts `reporter`'s report about the same incarnation; true if it is a
  /// new, independent one (worth gossiping on).
  bool confirm(uint64_t incarnation, const std::string& reporter);

  /// Another member already declared it dead: proof enough for the minimum.
  void take_verdict() { verdict_ = true; }
  bool has_verdict() const { return verdict_; }

  /// True once the timeout has run out at `round`.
  bool expired(uint64_t round, const suspicion_config& cfg, size_t n) const;

private:
  uint64_t incarnation_;
  uint64_t since_round_;
  std::set<std::string> reporters_;
  bool verdict_ = false;
};

} // namespace gossip
