// Probabilistic gossip, GOSSIP1(p, k) after Haas, Halpern and Li (2002):
// a node that receives a rumor for the first time forwards it at once to
// `fanout` peers with probability `p`, and always while it has travelled
// fewer than `k` hops. Rumors are started with (broadcast_atom, text).
//
// Parameters: fanout (3), p (1.0), k (0), remember (rounds a rumor id is
// kept to drop duplicates, 100), repeat (rounds a node keeps sending a rumor
// it forwarded to `fanout` more peers, 0). One forward per node reaches all
// but about e^-fanout of the nodes (the epidemic's residue); a few repeats,
// as memberlist retransmits, make the residue vanish at a bounded cost.
// defer (false): forward at the next round instead of at once, so that one
// hop takes one round, as in the papers' synchronous model (gossip-sim).
#pragma once

#include <memory>
#include <string>

#include "gossip/params.hpp"
#include "gossip/protocol.hpp"
#include "gossip/rumor.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

struct rumor_msg {
  std::string from;
  gossip::rumor rumor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rumor_msg& x) {
  return f(caf::meta::type_name("gossip::rumor_msg"), x.from, x.rumor);
}

/// Empty when the rumor is well-formed, else what is wrong with it.
std::string check_rumor(const rumor& r, const limits& lim);

std::unique_ptr<protocol> make_probabilistic(const params& ps);
void add_probabilistic_types(caf::actor_system_config& cfg);

} // namespace gossip
