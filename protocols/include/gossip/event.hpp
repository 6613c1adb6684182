// What a node reports to its subscribers: one typed event per thing that
// happened. Tools read the fields, never the human-readable `detail`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gossip {

struct entry;
struct member_update;
struct rumor;

enum class event_kind : uint8_t {
  /// An update or rumor arrived from `peer` (new to us or not). An entry has
  /// its key, value, version, origin and tombstone; a rumor an empty key, its
  /// id in `version`, its text in `value`, its `hops` and `topic`.
  delivered,
  /// Our store changed under `key` (a local write or a merge).
  stored,
  /// The node's own state changed (joining, refuting, leaving): `detail`
  /// says how, `incarnation` is the node's own.
  state_changed,
  /// Membership changed for member `peer`: its `incarnation` and `address`;
  /// a suspicion names its `reporter`.
  member_up,
  member_suspect,
  member_down,
  member_left,
  /// An address could not be reached (`address`, reason in `detail`).
  unreachable,
  /// Another node claims this node's name (`peer`, its `address` and
  /// `incarnation`): both keep running; this one stops refuting that claim,
  /// so the two do not outbid each other for ever.
  name_conflict,
};

/// "delivered", "member_up", ... (the JSON name).
const char* to_string(event_kind x);
/// The kind named `name`, or nothing.
std::optional<event_kind> event_kind_from(const std::string& name);
bool is_member_event(event_kind x);

struct event {
  event_kind kind = event_kind::state_changed;
  /// Filled in by the node that reports it.
  std::string node;
  uint64_t round = 0;
  /// The node's clock in ms (monotonic: comparable between processes on a host).
  int64_t time_ms = 0;
  /// delivered: who sent it; member_*: the member.
  std::string peer;
  std::string key;
  std::string value;
  /// An entry's version or a rumor's id.
  uint64_t version = 0;
  std::string origin;
  bool tombstone = false;
  /// member_*: the member's; state_changed: the node's own.
  uint64_t incarnation = 0;
  std::string address;
  /// member_suspect: who raised the suspicion.
  std::string reporter;
  uint32_t hops = 0;
  std::string topic;
  /// For people only.
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return f(x.kind, x.node, x.round, x.time_ms, x.peer, x.key, x.value, x.version,
           x.origin, x.tombstone, x.incarnation, x.address, x.reporter, x.hops, x.topic,
           x.detail);
}

// -- the events protocols report (the node stamps node, round and time) ------

event delivered_event(const std::string& from, const std::string& key, const entry& e);
event delivered_event(const std::string& from, const rumor& r);
event stored_event(const std::string& key, const entry& e);
event member_event(event_kind kind, const member_update& m, std::string why = {});
event state_event(uint64_t incarnation, std::string detail);
event unreachable_event(const std::string& address, std::string why);

/// One JSON object on one line (what gossip-node --events=json prints).
std::string to_json(const event& x);
/// Parses what to_json wrote; nothing for a line that is not an event.
std::optional<event> event_from_json(const std::string& line);

} // namespace gossip
