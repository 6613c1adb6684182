// Pull (Demers et al. 1987): each round a node sends `fanout` peers a digest
// of its store; each answers with whatever it holds that is newer. A node
// learns only by asking, so an update reaches everyone in about log2 n +
// O(1) rounds once half the nodes have it (the fast end of a pull epidemic).
// Digests and answers are pages within `budget` bytes (paging.hpp): a store
// that fits one page is compared whole every round, a larger one page by
// page, and a truncated answer is followed at once.
#pragma once

#include <string>
#include <vector>

#include "gossip/registry.hpp"

namespace gossip {

struct pull_request {
  GOSSIP_WIRE("gossip::pull_request", from, start, end, digest)
  std::string from;
  /// The keys the digest covers: [start, end), end "" meaning to the last.
  std::string start;
  std::string end;
  std::vector<digest_item> digest;
};

struct pull_response {
  GOSSIP_WIRE("gossip::pull_response", from, entries, next)
  std::string from;
  std::vector<keyed_entry> entries;
  /// Non-empty when more of the range is newer here: ask again from it.
  std::string next;
};

std::string validate(const pull_request& m, const limits& lim);
std::string validate(const pull_response& m, const limits& lim);

const protocol_info& pull_info();

} // namespace gossip
