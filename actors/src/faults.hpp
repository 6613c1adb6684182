// The fault layer of experiments: each message is lost with a probability,
// leaves some rounds late, or the node crashes at a round (silent and deaf
// from then on). Without faults configured every message passes at once.
// Loss and delay can change while the node runs (chaos tests: a node that
// degrades for a while, then recovers).
#pragma once

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "gossip/node.hpp"

namespace gossip {

class fault_layer {
public:
  fault_layer(const node_config::fault_config& cfg, uint64_t seed);

  enum class verdict { pass, lost, delayed, silent };

  /// Most rounds a message may be held back, and most messages held at once
  /// (more are lost): the queue stays bounded whatever the settings.
  static constexpr uint64_t max_delay_rounds = 100;
  static constexpr size_t max_delayed = 10000;

  /// Empty when loss and delay can be applied, else what is wrong.
  static std::string check(double loss, uint64_t delay_rounds);

  /// New loss and delay from now on; messages already delayed keep their
  /// due round.
  void set(double loss, uint64_t delay_rounds);

  /// What becomes of a message sent to `to` now (a delayed one is kept).
  verdict judge(const caf::actor& to, const caf::message& msg);

  /// Called at the start of each round: false once the node has crashed.
  bool alive_at(uint64_t round);
  bool crashed() const { return crashed_; }

  /// Delayed messages due at `round`, taken out.
  std::vector<std::pair<caf::actor, caf::message>> due(uint64_t round);

private:
  node_config::fault_config cfg_;
  rng_type rng_;
  bool crashed_ = false;
  uint64_t round_ = 0;
  std::vector<std::tuple<uint64_t, caf::actor, caf::message>> delayed_; // due round
};

} // namespace gossip
