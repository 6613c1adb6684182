// Rumor mongering after Demers et al. 1987 ("complex epidemics"). A node that
// learns an update finds it "hot" and spreads it each round: pushing it to
// `fanout` peers (push), answering peers that ask (pull), or both. It loses
// interest by one of four rules, so the epidemic ends by itself:
//   feedback + counter k   after k contacts that already knew it
//   feedback + coin k      with probability 1/k at each such contact
//   blind + counter k      after k contacts, whatever they knew
//   blind + coin k         with probability 1/k after each contact
// Some nodes may never hear of it (the residue, e^-(m+1) for push with m
// messages per node); composing "rumor,anti-entropy" mops that up.
// A connection limit (Demers et al.) turns away pushes beyond a number per
// round.
#pragma once

#include <string>
#include <vector>

#include "gossip/registry.hpp"

namespace gossip {

struct rm_push {
  GOSSIP_WIRE("gossip::rm_push", from, entries)
  std::string from;
  std::vector<keyed_entry> entries;
};

/// Which pushed keys the receiver already had (feedback mode).
struct rm_feedback {
  GOSSIP_WIRE("gossip::rm_feedback", from, known)
  std::string from;
  std::vector<std::string> known;
};

/// "Send me your hot rumors that I lack", with a page of the asker's digest
/// (paging.hpp): keys in [start, end), end "" meaning to the last. Hot keys
/// outside the page are left for a later round.
struct rm_pull {
  GOSSIP_WIRE("gossip::rm_pull", from, start, end, digest)
  std::string from;
  std::string start;
  std::string end;
  std::vector<digest_item> digest;
};

std::string validate(const rm_push& m, const limits& lim);
std::string validate(const rm_feedback& m, const limits& lim);
std::string validate(const rm_pull& m, const limits& lim);

const protocol_info& rumor_info();

} // namespace gossip
