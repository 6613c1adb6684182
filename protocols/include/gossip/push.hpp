// Push (Demers et al. 1987): each round a node sends its store to `fanout`
// peers; receivers merge.
#pragma once

#include <string>
#include <vector>

#include "gossip/registry.hpp"

namespace gossip {

struct push_msg {
  GOSSIP_WIRE("gossip::push_msg", from, entries)
  std::string from;
  std::vector<keyed_entry> entries;
};

std::string validate(const push_msg& m, const limits& lim);

const protocol_info& push_info();

} // namespace gossip
