// Events: the factories protocols report with, and one line of JSON each
// (what gossip-node --events=json prints and the tools read back).
#include "gossip/event.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "gossip/json_bytes.hpp"
#include "gossip/membership.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

namespace {

using json = nlohmann::ordered_json;

struct kind_name {
  event_kind kind;
  const char* name;
};

constexpr kind_name kind_names[] = {
    {event_kind::delivered, "delivered"},
    {event_kind::stored, "stored"},
    {event_kind::state_changed, "state_changed"},
    {event_kind::member_up, "member_up"},
    {event_kind::member_suspect, "member_suspect"},
    {event_kind::member_down, "member_down"},
    {event_kind::member_left, "member_left"},
    {event_kind::unreachable, "unreachable"},
    {event_kind::name_conflict, "name_conflict"},
};

// Reads an optional field: absent leaves `out` alone; a value of the wrong
// type or out of range makes the whole line not an event.
template <class T> bool read(const json& j, const char* name, T& out) {
  auto i = j.find(name);
  if (i == j.end())
    return true;
  if constexpr (std::is_same_v<T, bool>) {
    if (!i->is_boolean())
      return false;
    out = i->template get<bool>();
  } else if constexpr (std::is_unsigned_v<T>) {
    if (!i->is_number_unsigned())
      return false;
    auto n = i->template get<uint64_t>();
    if (n > std::numeric_limits<T>::max())
      return false;
    out = static_cast<T>(n);
  } else {
    static_assert(std::is_same_v<T, int64_t>);
    if (i->is_number_unsigned()) {
      auto n = i->template get<uint64_t>();
      if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return false;
      out = static_cast<int64_t>(n);
    } else if (i->is_number_integer()) {
      out = i->template get<int64_t>();
    } else {
      return false;
    }
  }
  return true;
}

// A text field, as to_json writes it: NAME, or NAME_base64 for bytes that are
// not UTF-8 (json_bytes.hpp).
bool read(const json& j, const char* name, std::string& out) {
  bool ok = true;
  if (auto bytes = decode_field(j, name, ok))
    out = std::move(*bytes);
  return ok;
}

} // namespace

const char* to_string(event_kind x) {
  for (auto& k : kind_names)
    if (k.kind == x)
      return k.name;
  return "unknown";
}

std::optional<event_kind> event_kind_from(const std::string& name) {
  for (auto& k : kind_names)
    if (name == k.name)
      return k.kind;
  return std::nullopt;
}

bool is_member_event(event_kind x) {
  return x == event_kind::member_up || x == event_kind::member_suspect ||
         x == event_kind::member_down || x == event_kind::member_left;
}

// -- factories ----------------------------------------------------------------

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

// -- JSON ---------------------------------------------------------------------

std::string to_json(const event& x) {
  json j;
  j["event"] = to_string(x.kind);
  j["node"] = x.node;
  j["time_ms"] = x.time_ms;
  j["round"] = x.round;
  if (!x.peer.empty())
    j["peer"] = x.peer;
  switch (x.kind) {
  case event_kind::delivered:
  case event_kind::stored:
    if (x.kind == event_kind::stored || !x.key.empty()) {
      // An entry.
      j["key"] = x.key;
      j["value"] = x.value;
      j["version"] = x.version;
      j["origin"] = x.origin;
      j["tombstone"] = x.tombstone;
    } else {
      // A rumor: its id in version.
      j["value"] = x.value;
      j["version"] = x.version;
      j["origin"] = x.origin;
      j["hops"] = x.hops;
      if (!x.topic.empty())
        j["topic"] = x.topic;
    }
    break;
  case event_kind::state_changed:
    j["incarnation"] = x.incarnation;
    break;
  case event_kind::member_up:
  case event_kind::member_suspect:
  case event_kind::member_down:
  case event_kind::member_left:
    j["incarnation"] = x.incarnation;
    if (!x.address.empty())
      j["address"] = x.address;
    if (x.kind == event_kind::member_suspect && !x.reporter.empty())
      j["reporter"] = x.reporter;
    break;
  case event_kind::unreachable:
    j["address"] = x.address;
    break;
  case event_kind::name_conflict:
    j["incarnation"] = x.incarnation;
    j["address"] = x.address;
    break;
  }
  if (!x.detail.empty())
    j["detail"] = x.detail;
  // Names and values come from the network: what is not UTF-8 goes out as
  // base64 (json_bytes.hpp); `replace` only guards the keys, all our own.
  encode_bytes(j);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<event> event_from_json(const std::string& line) {
  auto j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  auto name = j.find("event");
  if (name == j.end() || !name->is_string())
    return std::nullopt;
  auto kind = event_kind_from(name->get<std::string>());
  if (!kind)
    return std::nullopt;
  event ev;
  ev.kind = *kind;
  bool ok = read(j, "node", ev.node) && read(j, "time_ms", ev.time_ms) &&
            read(j, "round", ev.round) && read(j, "peer", ev.peer) &&
            read(j, "key", ev.key) && read(j, "value", ev.value) &&
            read(j, "version", ev.version) && read(j, "origin", ev.origin) &&
            read(j, "tombstone", ev.tombstone) &&
            read(j, "incarnation", ev.incarnation) && read(j, "address", ev.address) &&
            read(j, "reporter", ev.reporter) && read(j, "hops", ev.hops) &&
            read(j, "topic", ev.topic) && read(j, "detail", ev.detail);
  if (!ok)
    return std::nullopt;
  return ev;
}

} // namespace gossip
