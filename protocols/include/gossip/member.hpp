// Who a node is: a stable name, an incarnation and, for remote nodes, an address.
#pragma once

#include <cstdint>
#include <string>

namespace gossip {

struct node_id {
  /// Stable across restarts; unique within a cluster.
  std::string name;
  /// Bumped on restart or to refute a suspicion (SWIM); a higher one wins.
  uint64_t incarnation = 0;
  /// "host:port" for a node in another process, empty in-process.
  std::string address;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_id& x) {
  return f(x.name, x.incarnation, x.address);
}

inline bool operator==(const node_id& a, const node_id& b) {
  return a.name == b.name && a.incarnation == b.incarnation && a.address == b.address;
}

} // namespace gossip
