// Push-pull (Karp et al. 2000) over the store: each round a node sends
// `fanout` peers a digest of its whole store plus the entries that changed in
// its last `hot` rounds (the push half); each receiver merges those and
// answers with every entry it holds that is newer than the digest (the pull
// half). Pulling alone already converges; pushing the fresh entries makes new
// writes travel both ways in the same exchange without resending old ones.
// With eager > 0, an entry that is new to a node is also forwarded at once to
// `eager` peers (infect-and-die), so a write spreads in milliseconds while
// the periodic exchange mops up whatever that missed. Digests and answers
// are pages within `budget` bytes (paging.hpp), so any store size syncs; a
// peer seen for the first time (a join, or a return from a partition) gets
// an exchange at once, so writes made apart meet within a round.
#pragma once

#include <string>
#include <vector>

#include "gossip/registry.hpp"

namespace gossip {

struct push_pull_request {
  GOSSIP_WIRE("gossip::push_pull_request", from, start, end, digest, entries)
  std::string from;
  /// The keys the digest covers: [start, end), end "" meaning to the last.
  std::string start;
  std::string end;
  std::vector<digest_item> digest;
  std::vector<keyed_entry> entries;
};

struct push_pull_response {
  GOSSIP_WIRE("gossip::push_pull_response", from, entries, next)
  std::string from;
  std::vector<keyed_entry> entries;
  /// Non-empty when more of the range is newer here: ask again from it.
  std::string next;
};

/// Fresh entries forwarded at once (eager mode); no answer expected.
struct push_pull_update {
  GOSSIP_WIRE("gossip::push_pull_update", from, entries)
  std::string from;
  std::vector<keyed_entry> entries;
};

std::string validate(const push_pull_request& m, const limits& lim);
std::string validate(const push_pull_response& m, const limits& lim);
std::string validate(const push_pull_update& m, const limits& lim);

const protocol_info& push_pull_info();

} // namespace gossip
