#include "faults.hpp"

#include <algorithm>

namespace gossip {

fault_layer::fault_layer(const node_config::fault_config& cfg, uint64_t seed)
    : cfg_(cfg), rng_(derive_seed(seed, 0xfa)) {}

std::string fault_layer::check(double loss, uint64_t delay_rounds) {
  if (!(loss >= 0 && loss <= 1))
    return "loss must be between 0 and 1";
  if (delay_rounds > max_delay_rounds)
    return "delay must be at most " + std::to_string(max_delay_rounds) + " rounds";
  return {};
}

void fault_layer::set(double loss, uint64_t delay_rounds) {
  cfg_.loss = loss;
  cfg_.delay_rounds = delay_rounds;
}

fault_layer::verdict fault_layer::judge(const caf::actor& to, const caf::message& msg) {
  if (crashed_)
    return verdict::silent;
  if (cfg_.loss > 0 && rng_.uniform() < cfg_.loss)
    return verdict::lost;
  if (cfg_.delay_rounds > 0) {
    if (delayed_.size() >= max_delayed)
      return verdict::lost;
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
