// An immutable payload spread by rumor mongering, probabilistic gossip and
// broadcast. The id is unique per origin; hops counts forwards so far.
#pragma once

#include <caf/atom.hpp>

#include <cstdint>
#include <string>

#include "gossip/limits.hpp"
#include "gossip/wire.hpp"

namespace gossip {

struct rumor {
  GOSSIP_WIRE("gossip::rumor", origin, id, payload, hops, topic)
  std::string origin;
  uint64_t id = 0;
  std::string payload;
  uint32_t hops = 0;
  /// For directed gossip by interest; empty: for everyone.
  std::string topic;
};

/// Empty when the rumor is well-formed: an origin, an id, a bounded payload.
std::string validate(const rumor& r, const limits& lim);

/// `r` one hop further, as it is forwarded: the count saturates rather than
/// wrap to 0 (a peer may send any count).
inline rumor next_hop(rumor r) {
  if (r.hops < UINT32_MAX)
    ++r.hops;
  return r;
}

/// (broadcast_atom, text) -> uint64_t id: a node starts spreading a rumor;
/// (broadcast_atom, topic, text) -> uint64_t id: one for a topic's subscribers.
using broadcast_atom = caf::atom_constant<caf::atom("g_bcast")>;

} // namespace gossip
