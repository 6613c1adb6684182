#include "faults.hpp"

#include <algorithm>

namespace gossip {

fault_layer::fault_layer(const node_config::fault_config& cfg, uint64_t seed)
    : cfg_(cfg), rng_(derive_seed(seed, 0xfa)) {}

fault_layer::verdict fault_layer::judge(const caf::actor& to, const caf::message& msg) {
  if (crashed_)
    return verdict::silent;
  if (cfg_.loss > 0 && rng_.uniform() < cfg_.loss)
    return verdict::lost;
  if (cfg_.delay_rounds > 0) {
    delayed_.emplace_back(round_ + cfg_.delay_rounds, to, msg);
    return verdict::delayed;
  }
  return verdict::pass;
}

bool fault_layer::alive_at(uint64_t round) {
  round_ = round;
  if (!crashed_ && cfg_.crash_round > 0 && round >= cfg_.crash_round) {
    crashed_ = true;
    delayed_.clear();
  }
  return !crashed_;
}

std::vector<std::pair<caf::actor, caf::message>> fault_layer::due(uint64_t round) {
  std::vector<std::pair<caf::actor, caf::message>> result;
  auto first_due = std::stable_partition(delayed_.begin(), delayed_.end(),
                                         [&](auto& d) { return std::get<0>(d) > round; });
  for (auto i = first_due; i != delayed_.end(); ++i)
    result.emplace_back(std::get<1>(*i), std::get<2>(*i));
  delayed_.erase(first_due, delayed_.end());
  return result;
}

} // namespace gossip
