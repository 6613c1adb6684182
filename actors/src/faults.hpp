// The fault layer of experiments: each message is lost with a probability,
// leaves some rounds late, or the node crashes at a round (silent and deaf
// from then on). Without faults configured every message passes at once.
#pragma once

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <tuple>
#include <vector>

#include "gossip/node.hpp"

namespace gossip {

class fault_layer {
public:
  fault_layer(const node_config::fault_config& cfg, uint64_t seed);

  enum class verdict { pass, lost, delayed, silent };

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
