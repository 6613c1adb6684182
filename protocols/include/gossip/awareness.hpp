// Lifeguard's local health (Dadgar et al. 2017): a node that misses acks or
// hears itself suspected is probably the slow one, so it stretches its own
// probe interval and timeouts instead of accusing others. This is the one
// place the score is clamped.
#pragma once

#include <algorithm>
#include <cstdint>

namespace gossip {

class local_health {
public:
  static constexpr int max_score = 8;
  /// Where a node joining through seeds starts: it is about to connect to
  /// every member at once, the busiest time of its life, so its first
  /// probes get 4x the time (it earns its way down with answered probes).
  static constexpr int joining_score = 3;

  explicit local_health(int score = 0) : score_(std::clamp(score, 0, max_score)) {}

  /// A missed ack, a refuted suspicion of ourselves: we may be lagging.
  void penalize() { score_ = std::min(score_ + 1, max_score); }
  /// A probe answered in time.
  void reward() { score_ = std::max(score_ - 1, 0); }

  int score() const { return score_; }
  /// What probe intervals and timeouts are multiplied by: 1 when healthy.
  uint64_t multiplier() const { return 1 + static_cast<uint64_t>(score_); }

private:
  int score_ = 0;
};

} // namespace gossip
