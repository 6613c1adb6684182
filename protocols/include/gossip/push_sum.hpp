// Push-sum after Kempe, Dobra and Gehrke (2003): every node holds a pair
// (s, w); each round it keeps half and pushes the other half to one random
// peer, and adds up what it receives. s / w converges at every node to
// sum(x) / sum(w0): the average (w0 = 1 everywhere), the sum (w0 = 1 at one
// node only) or the count (x = 1, w0 = 1 at one node), with the error
// shrinking geometrically. s and w are fixed-point 128-bit integers and a half
// is split as floor and remainder, so the total mass is conserved exactly
// while no message is lost.
//
// Parameters: aggregate (average | sum | count, default average), leader (the
// node holding w0 = 1 for sum and count, default "0"). A node's value comes
// from its label "value" or (push_sum_atom, value) and must be finite.
#pragma once

#include <caf/atom.hpp>

#include <memory>
#include <optional>

#include "gossip/params.hpp"
#include "gossip/protocol.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

/// (push_sum_atom) -> (estimate, round); (push_sum_atom, double) sets the
/// node's value before the first round (non-finite values are rejected).
using push_sum_atom = caf::atom_constant<caf::atom("g_psum")>;

/// Fixed point: 1.0 is 2^64.
using mass = __int128;
mass to_mass(double x);
double from_mass(mass x);

/// One half of a node's (s, w), as two's-complement words.
struct push_sum_share {
  std::string from;
  uint64_t s_hi = 0, s_lo = 0, w_hi = 0, w_lo = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_sum_share& x) {
  return f(caf::meta::type_name("gossip::push_sum_share"), x.from, x.s_hi, x.s_lo, x.w_hi,
           x.w_lo);
}

struct push_sum_state {
  mass s = 0;
  mass w = 0;
  /// s / w, or NaN while w is 0.
  double estimate() const;
};

/// The state of a push-sum protocol object, or nothing for another protocol.
std::optional<push_sum_state> push_sum_state_of(const protocol& p);

std::unique_ptr<protocol> make_push_sum(const params& ps);
void add_push_sum_types(caf::actor_system_config& cfg);

} // namespace gossip
