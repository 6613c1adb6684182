// The fault layer of experiments: each message is lost with a probability,
// leaves some rounds late, or the node crashes at a round (silent and deaf
// from then on). Without faults configured every message passes at once.
// Loss and delay can change while the node runs (chaos tests: a node that
// degrades for a while, then recovers).
//
// `To` is how a runtime names a destination: the node actor's handle, or a
// simulation's node index. Both runtimes judge with the same draws, so the
// same seed loses the same messages in either.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gossip/node.hpp"
#include "gossip/rng.hpp"
#include "gossip/sampler.hpp"

namespace gossip {

template <class To, class Message> class faults_of {
public:
  faults_of(const node_config::fault_config& cfg, uint64_t seed)
      : cfg_(cfg), rng_(derive_seed(seed, 0xfa)) {}

  enum class verdict { pass, lost, delayed, silent };

  /// Most rounds a message may be held back, and most messages held at once
  /// (more are lost): the queue stays bounded whatever the settings.
  static constexpr uint64_t max_delay_rounds = 100;
  static constexpr size_t max_delayed = 10000;

  /// Empty when loss and delay can be applied, else what is wrong.
  static std::string check(double loss, uint64_t delay_rounds) {
    if (!(loss >= 0 && loss <= 1))
      return "loss must be between 0 and 1";
    if (delay_rounds > max_delay_rounds)
      return "delay must be at most " + std::to_string(max_delay_rounds) + " rounds";
    return {};
  }

  /// New loss and delay from now on; messages already delayed keep their
  /// due round.
  void set(double loss, uint64_t delay_rounds) {
    cfg_.loss = loss;
    cfg_.delay_rounds = delay_rounds;
  }

  /// What becomes of a message sent to `to` now (a delayed one is kept).
  verdict judge(const To& to, const Message& msg) {
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

  /// Called at the start of each round: false once the node has crashed.
  bool alive_at(uint64_t round) {
    round_ = round;
    if (!crashed_ && cfg_.crash_round > 0 && round >= cfg_.crash_round) {
      crashed_ = true;
      delayed_.clear();
    }
    return !crashed_;
  }
  bool crashed() const { return crashed_; }

  /// Delayed messages due at `round`, taken out.
  std::vector<std::pair<To, Message>> due(uint64_t round) {
    std::vector<std::pair<To, Message>> result;
    auto first_due =
        std::stable_partition(delayed_.begin(), delayed_.end(),
                              [&](auto& d) { return std::get<0>(d) > round; });
    for (auto i = first_due; i != delayed_.end(); ++i)
      result.emplace_back(std::get<1>(*i), std::get<2>(*i));
    delayed_.erase(first_due, delayed_.end());
    return result;
  }

private:
  node_config::fault_config cfg_;
  rng_type rng_;
  bool crashed_ = false;
  uint64_t round_ = 0;
  std::vector<std::tuple<uint64_t, To, Message>> delayed_; // due round
};

} // namespace gossip
