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
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rumor& x) {
  return f(x.origin, x.id, x.payload, x.hops);
}

/// (broadcast_atom, text) -> uint64_t id: a node starts spreading a rumor.
using broadcast_atom = caf::atom_constant<caf::atom("g_bcast")>;

} // namespace gossip
