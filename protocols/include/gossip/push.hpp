// Push (Demers et al. 1987): each round a node sends its store to `fanout`
// peers; receivers merge. Parameters: fanout (default 1).
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

struct push_msg {
  std::string from;
  std::vector<keyed_entry> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, push_msg& x) {
  return f(caf::meta::type_name("gossip::push_msg"), x.from, x.entries);
}

std::unique_ptr<protocol> make_push(const params& ps);
void add_push_types(caf::actor_system_config& cfg);

} // namespace gossip
