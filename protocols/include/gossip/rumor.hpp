// An immutable payload spread by rumor mongering, probabilistic gossip and
// broadcast. The id is unique per origin; hops counts forwards so far.
#pragma once

#include <caf/atom.hpp>

#include <cstdint>
#include <string>

namespace gossip {

struct rumor {
  std::string origin;
  uint64_t id = 0;
  std::string payload;
  uint32_t hops = 0;
  /// For directed gossip by interest; empty: for everyone.
  std::string topic;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rumor& x) {
  return f(x.origin, x.id, x.payload, x.hops, x.topic);
}

/// (broadcast_atom, text) -> uint64_t id: a node starts spreading a rumor;
/// (broadcast_atom, topic, text) -> uint64_t id: one for a topic's subscribers.
using broadcast_atom = caf::atom_constant<caf::atom("g_bcast")>;

} // namespace gossip
