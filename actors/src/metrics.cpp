// The node's side of its metrics: the propagation-delay histogram and the
// gauges read on request.
#include "gossip/metrics.hpp"

#include <algorithm>
#include <chrono>

namespace gossip {

namespace {

constexpr int64_t max_plausible_delay_ms = 3'600'000; // an hour

} // namespace

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void delay_histogram::observe(int64_t origin_ms, int64_t now_ms) {
  // origin_ms comes from a peer: 0 is unknown, and anything implausible is
  // counted, not observed (the subtraction cannot overflow: both are >= 0).
  auto delay = now_ms - origin_ms;
  if (origin_ms <= 0 || now_ms <= 0 || delay < 0 || delay > max_plausible_delay_ms) {
    ++skipped;
    return;
  }
  auto i =
      std::lower_bound(bounds_ms.begin(), bounds_ms.end(), delay) - bounds_ms.begin();
  ++counts[static_cast<size_t>(i)];
  ++count;
  sum_ms += delay;
}

} // namespace gossip
