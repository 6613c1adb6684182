// Directed gossip by interest: nodes subscribe to topics (label "topics",
// separated by ',' or '+', e.g. gossip-node --meta=topics=news+sports); a rumor about a topic is forwarded at once to `fanout`
// peers, each drawn from the topic's subscribers, except that with
// probability `random` a draw goes to any peer, which keeps the overlay
// connected when subscribers are few or far. Non-subscribers that receive a
// rumor relay it but do not deliver it. (Directed by topology is the "zone"
// peer sampler, usable with every protocol.)
//
// Parameters: fanout (3), random (0.1), remember (rounds a rumor id is kept,
// 100), defer (forward at the next round instead of at once, false).
// Start a rumor with (broadcast_atom, topic, text).
#pragma once

#include <memory>

#include "gossip/params.hpp"
#include "gossip/probabilistic.hpp"
#include "gossip/protocol.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

struct directed_msg {
  std::string from;
  gossip::rumor rumor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, directed_msg& x) {
  return f(caf::meta::type_name("gossip::directed_msg"), x.from, x.rumor);
}

/// True if a topic list (separated by ',' or '+') contains `topic`.
bool subscribed(const std::string& topics, const std::string& topic);

std::unique_ptr<protocol> make_directed(const params& ps);
void add_directed_types(caf::actor_system_config& cfg);

} // namespace gossip
