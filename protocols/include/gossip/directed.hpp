// Directed gossip by interest: nodes subscribe to topics (label "topics",
// separated by ',' or '+', e.g. gossip-node --meta=topics=news+sports); a
// rumor about a topic is forwarded at once to `fanout` peers, each drawn from the topic's
// subscribers, except that with probability `random` a draw goes to any peer, which keeps
// the overlay connected when subscribers are few or far. Non-subscribers that receive a
// rumor relay it but do not deliver it. (Directed by topology is the "zone"
// peer sampler, usable with every protocol.)
// Start a rumor with (broadcast_atom, topic, text).
#pragma once

#include <string>

#include "gossip/registry.hpp"
#include "gossip/rumor.hpp"

namespace gossip {

struct directed_msg {
  GOSSIP_WIRE("gossip::directed_msg", from, rumor)
  std::string from;
  gossip::rumor rumor;
};

std::string validate(const directed_msg& m, const limits& lim);

/// True if a topic list (separated by ',' or '+') contains `topic`.
bool subscribed(const std::string& topics, const std::string& topic);

const protocol_info& directed_info();

} // namespace gossip
