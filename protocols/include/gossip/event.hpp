// What a node reports to its subscribers.
#pragma once

#include <cstdint>
#include <string>

namespace gossip {

struct event {
  /// "delivered": an update or rumor arrived from `peer` (new to us or not;
  ///   a rumor has an empty key, its id in `version`, its text in `value`);
  /// "stored": our store changed under `key` (local write or merge);
  /// "state_changed": the node's own state changed (`detail` says how);
  /// "member_up", "member_suspect", "member_down", "member_left": membership
  ///   changed for member `peer` (incarnation in `version`, address in `detail`).
  std::string kind;
  /// The node reporting.
  std::string node;
  std::string peer;
  std::string key;
  std::string value;
  uint64_t version = 0;
  std::string origin;
  bool tombstone = false;
  uint64_t round = 0;
  /// Node's clock in ms (monotonic: comparable between processes on a host).
  int64_t time_ms = 0;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return f(x.kind, x.node, x.peer, x.key, x.value, x.version, x.origin, x.tombstone,
           x.round, x.time_ms, x.detail);
}

/// One JSON object on one line.
std::string to_json(const event& x);

} // namespace gossip
