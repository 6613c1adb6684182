// Probabilistic gossip, GOSSIP1(p, k) after Haas, Halpern and Li (2002):
// a node that receives a rumor for the first time forwards it at once to
// `fanout` peers with probability `p`, and always while it has travelled
// fewer than `k` hops. Rumors are started with (broadcast_atom, text).
// One forward per node reaches all but about e^-fanout of the nodes (the
// epidemic's residue); a few repeats, as memberlist retransmits, make the
// residue vanish at a bounded cost. With `defer` a node forwards at the next
// round instead of at once, so that one hop takes one round, as in the
// papers' synchronous model (gossip-sim).
#pragma once

#include <string>

#include "gossip/registry.hpp"
#include "gossip/rumor.hpp"

namespace gossip {

struct rumor_msg {
  GOSSIP_WIRE("gossip::rumor_msg", from, rumor)
  std::string from;
  gossip::rumor rumor;
};

std::string validate(const rumor_msg& m, const limits& lim);

const protocol_info& probabilistic_info();

} // namespace gossip
