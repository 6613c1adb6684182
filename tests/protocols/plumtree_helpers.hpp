// What the Plumtree test files share: a node set up among peers, its
// broadcasts, and the messages peers send it.
#pragma once

#include <string>
#include <vector>

#include "fake_port.hpp"
#include "gossip/plumtree.hpp"

namespace gossip::test {

/// `a` runs plumtree (with `ps`) among `peers`.
inline protocol& setup(fake_node& a, std::vector<std::string> peers,
                       const params& ps = {}) {
  a.set_peers(std::move(peers));
  return a.add("plumtree", ps);
}

inline uint64_t broadcast(fake_node& n, std::string text = "news") {
  auto r = n.request(caf::make_message(broadcast_atom::value, std::move(text)));
  return r && as<uint64_t>(*r) ? *as<uint64_t>(*r) : 0;
}

inline plumtree_gossip gossip_from(std::string from, uint64_t id,
                                   std::string origin = "o") {
  return plumtree_gossip{std::move(from), rumor{std::move(origin), id, "text", 2, {}}};
}

inline plumtree_ihave ihave_from(std::string from, std::vector<uint64_t> ids) {
  plumtree_ihave m{std::move(from), {}};
  for (auto id : ids)
    m.ids.push_back(plumtree_id{"o", id, 3});
  return m;
}

} // namespace gossip::test
