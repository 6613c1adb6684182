// Push-sum after Kempe, Dobra and Gehrke (2003): every node holds a pair
// (s, w); each round it keeps half and pushes the other half to one random
// peer, and adds up what it receives. s / w converges at every node to
// sum(x) / sum(w0): the average (w0 = 1 everywhere), the sum (w0 = 1 at one
// node only) or the count (x = 1, w0 = 1 at one node), with the error
// shrinking geometrically. s and w are fixed-point 128-bit integers and a half
// is split as floor and remainder, so the total mass is conserved exactly
// while no message is lost.
// A node's value comes from its label "value" or (push_sum_atom, value) and
// must be finite.
#pragma once

#include <caf/atom.hpp>

#include <optional>

#include "gossip/registry.hpp"

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
  GOSSIP_WIRE("gossip::push_sum_share", from, s_hi, s_lo, w_hi, w_lo)
  std::string from;
  uint64_t s_hi = 0, s_lo = 0, w_hi = 0, w_lo = 0;
};

/// A share of (s, w) from `from`, packed into its words.
push_sum_share make_share(std::string from, mass s, mass w);

/// Empty when the share names its sender and carries no negative weight.
std::string validate(const push_sum_share& m, const limits& lim);

struct push_sum_state {
  mass s = 0;
  mass w = 0;
  /// s / w, or NaN while w is 0.
  double estimate() const;
};

/// The state of a push-sum protocol object, or nothing for another protocol.
std::optional<push_sum_state> push_sum_state_of(const protocol& p);

/// A node's value as text (its "value" label): finite, |x| <= max_abs.
std::optional<double> parse_push_sum_value(const std::string& text, double max_abs);

const protocol_info& push_sum_info();

} // namespace gossip
