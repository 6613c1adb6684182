// Pull (Demers et al. 1987): each round a node sends `fanout` peers a digest
// of its store; each answers with whatever it holds that is newer. A node
// learns only by asking, so an update reaches everyone in about log2 n +
// O(1) rounds once half the nodes have it (the fast end of a pull epidemic).
// Parameters: fanout (1).
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

struct pull_request {
  std::string from;
  std::vector<digest_item> digest;
};

struct pull_response {
  std::string from;
  std::vector<keyed_entry> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pull_request& x) {
  return f(caf::meta::type_name("gossip::pull_request"), x.from, x.digest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pull_response& x) {
  return f(caf::meta::type_name("gossip::pull_response"), x.from, x.entries);
}

/// Empty when a digest is well-formed.
std::string check_digest(const std::vector<digest_item>& digest, const limits& lim);

std::unique_ptr<protocol> make_pull(const params& ps);
void add_pull_types(caf::actor_system_config& cfg);

} // namespace gossip
