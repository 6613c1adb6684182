#include "gossip/suspicion.hpp"

#include <algorithm>
#include <cmath>

namespace gossip {

uint64_t suspicion_timeout(const suspicion_config& cfg, size_t n, size_t confirmations) {
  auto size = static_cast<double>(n);
  double min = cfg.mult * std::max(1.0, std::log10(size));
  double max = cfg.max_factor * min;
  auto k = static_cast<double>(cfg.k);
  double timeout = min;
  if (k >= 1 && size - 2 >= k) {
    auto c = static_cast<double>(confirmations);
    auto frac = std::min(1.0, std::log(c + 1) / std::log(k + 1));
    timeout = std::max(min, max - (max - min) * frac);
  }
  return static_cast<uint64_t>(std::ceil(timeout));
}

suspicion::suspicion(uint64_t incarnation, uint64_t since_round,
                     const std::string& reporter)
    : incarnation_(incarnation), since_round_(since_round), reporters_{reporter} {}

bool suspicion::confirm(uint64_t incarnation, const std::string& reporter) {
  return incarnation == incarnation_ && reporters_.insert(reporter).second;
}

bool suspicion::expired(uint64_t round, const suspicion_config& cfg, size_t n) const {
  auto confirmations = verdict_ ? cfg.k : reporters_.size() - 1;
  return round >= since_round_ + suspicion_timeout(cfg, n, confirmations);
}

} // namespace gossip
