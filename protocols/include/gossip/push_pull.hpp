// Push-pull (Karp et al. 2000): each round a node sends its store to `fanout`
// peers; each receiver merges it and answers with whatever it holds that is
// newer than what it was sent, so both sides end the exchange equal.
// Parameters: fanout (default 1).
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
  std::vector<keyed_entry> entries;
};

struct push_pull_response {
  std::string from;
  std::vector<keyed_entry> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_pull_request& x) {
  return f(caf::meta::type_name("gossip::push_pull_request"), x.from, x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_pull_response& x) {
  return f(caf::meta::type_name("gossip::push_pull_response"), x.from, x.entries);
}

std::unique_ptr<protocol> make_push_pull(const params& ps);
void add_push_pull_types(caf::actor_system_config& cfg);

} // namespace gossip
