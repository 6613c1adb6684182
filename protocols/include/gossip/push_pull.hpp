// Push-pull (Karp et al. 2000) over the store: each round a node sends
// `fanout` peers a digest of its whole store plus the entries that changed in
// its last `hot` rounds (the push half); each receiver merges those and
// answers with every entry it holds that is newer than the digest (the pull
// half). Pulling alone already converges; pushing the fresh entries makes new
// writes travel both ways in the same exchange without resending old ones.
// With eager > 0, an entry that is new to a node is also forwarded at once to
// `eager` peers (infect-and-die), so a write spreads in milliseconds while
// the periodic exchange mops up whatever that missed.
// Parameters: fanout (1), hot (rounds an entry counts as fresh, 3), every
// (rounds between exchanges, 1), eager (peers a new entry is forwarded to at
// once, 0 = off).
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

struct push_pull_request {
  std::string from;
  std::vector<digest_item> digest;
  std::vector<keyed_entry> entries;
};

struct push_pull_response {
  std::string from;
  std::vector<keyed_entry> entries;
};

/// Fresh entries forwarded at once (eager mode); no answer expected.
struct push_pull_update {
  std::string from;
  std::vector<keyed_entry> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_pull_update& x) {
  return f(caf::meta::type_name("gossip::push_pull_update"), x.from, x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_pull_request& x) {
  return f(caf::meta::type_name("gossip::push_pull_request"), x.from, x.digest,
           x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_pull_response& x) {
  return f(caf::meta::type_name("gossip::push_pull_response"), x.from, x.entries);
}

std::unique_ptr<protocol> make_push_pull(const params& ps);
void add_push_pull_types(caf::actor_system_config& cfg);

} // namespace gossip
