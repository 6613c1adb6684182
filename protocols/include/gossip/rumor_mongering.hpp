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
//
// Parameters: mode (push | pull | push-pull, default push), feedback (true;
// false = blind), counter (k, default 1) or coin (k), fanout (1),
// connection-limit (pushes a node takes per round, the rest are turned away;
// 0 = no limit).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gossip/params.hpp"
#include "gossip/protocol.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

struct rm_push {
  std::string from;
  std::vector<keyed_entry> entries;
};

/// Which pushed keys the receiver already had (feedback mode).
struct rm_feedback {
  std::string from;
  std::vector<std::string> known;
};

/// "Send me your hot rumors that I lack."
struct rm_pull {
  std::string from;
  std::vector<digest_item> digest;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rm_push& x) {
  return f(caf::meta::type_name("gossip::rm_push"), x.from, x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rm_feedback& x) {
  return f(caf::meta::type_name("gossip::rm_feedback"), x.from, x.known);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rm_pull& x) {
  return f(caf::meta::type_name("gossip::rm_pull"), x.from, x.digest);
}

std::unique_ptr<protocol> make_rumor_mongering(const params& ps);
void add_rumor_mongering_types(caf::actor_system_config& cfg);

} // namespace gossip
