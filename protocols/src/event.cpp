// TEMPORARY (replaced by the JSON work on branch apps-json).
#include "gossip/event.hpp"

#include "gossip/json.hpp"
#include "gossip/membership.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

std::string json_quote(const std::string& s) {
  return "\"" + s + "\"";
}

const char* to_string(event_kind x) {
  static const char* names[] = {"delivered",      "stored",      "state_changed",
                                "member_up",      "member_suspect", "member_down",
                                "member_left",    "unreachable"};
  return names[static_cast<int>(x)];
}

std::optional<event_kind> event_kind_from(const std::string& name) {
  for (int i = 0; i < 8; ++i)
    if (name == to_string(static_cast<event_kind>(i)))
      return static_cast<event_kind>(i);
  return std::nullopt;
}

bool is_member_event(event_kind x) {
  return x >= event_kind::member_up && x <= event_kind::member_left;
}

event delivered_event(const std::string& from, const std::string& key, const entry& e) {
  event ev;
  ev.kind = event_kind::delivered;
  ev.peer = from;
  ev.key = key;
  ev.value = e.value;
  ev.version = e.version;
  ev.origin = e.origin;
  ev.tombstone = e.tombstone;
  return ev;
}

event delivered_event(const std::string& from, const rumor& r) {
  event ev;
  ev.kind = event_kind::delivered;
  ev.peer = from;
  ev.value = r.payload;
  ev.version = r.id;
  ev.origin = r.origin;
  ev.hops = r.hops;
  ev.topic = r.topic;
  return ev;
}

event stored_event(const std::string& key, const entry& e) {
  auto ev = delivered_event({}, key, e);
  ev.kind = event_kind::stored;
  return ev;
}

event member_event(event_kind kind, const member_update& m, std::string why) {
  event ev;
  ev.kind = kind;
  ev.peer = m.name;
  ev.incarnation = m.incarnation;
  ev.address = m.address;
  if (kind == event_kind::member_suspect)
    ev.reporter = m.reporter;
  ev.detail = std::move(why);
  return ev;
}

event state_event(uint64_t incarnation, std::string detail) {
  event ev;
  ev.kind = event_kind::state_changed;
  ev.incarnation = incarnation;
  ev.detail = std::move(detail);
  return ev;
}

event unreachable_event(const std::string& address, std::string why) {
  event ev;
  ev.kind = event_kind::unreachable;
  ev.address = address;
  ev.detail = std::move(why);
  return ev;
}

std::string to_json(const event& x) {
  return "{\"event\":" + json_quote(to_string(x.kind)) + "}";
}

std::optional<event> event_from_json(const std::string&) {
  return std::nullopt;
}

} // namespace gossip
