#include "gossip/protocol.hpp"

namespace gossip {

context::~context() = default;

protocol::~protocol() = default;

std::string check_name(const std::string& name, const limits& lim) {
  if (name.empty())
    return "empty node name";
  if (name.size() > lim.max_name_bytes)
    return "node name longer than " + std::to_string(lim.max_name_bytes) + " bytes";
  return {};
}

std::string check_update(const std::string& from, const std::vector<keyed_entry>& entries,
                         const limits& lim) {
  if (auto err = check_name(from, lim); !err.empty())
    return err;
  return check_entries(entries, lim);
}

std::string check_entries(const std::vector<keyed_entry>& entries, const limits& lim) {
  if (entries.size() > lim.max_entries)
    return "more than " + std::to_string(lim.max_entries) + " entries";
  for (auto& x : entries) {
    if (x.key.empty() || x.key.size() > lim.max_key_bytes)
      return "key empty or longer than " + std::to_string(lim.max_key_bytes) + " bytes";
    if (x.e.value.size() > lim.max_value_bytes)
      return "value longer than " + std::to_string(lim.max_value_bytes) + " bytes";
    if (x.e.version == 0)
      return "entry with version 0";
    if (auto err = check_name(x.e.origin, lim); !err.empty())
      return "entry origin: " + err;
    if (x.e.tombstone && !x.e.value.empty())
      return "tombstone with a value";
  }
  return {};
}

void context::on_delivered(const std::string& from, const std::string& key,
                           const entry& e) {
  if (observed())
    emit(event{
        "delivered", {}, from, key, e.value, e.version, e.origin, e.tombstone, 0, 0, {}});
}

void context::on_stored(const std::string& key, const entry& e) {
  if (observed())
    emit(event{
        "stored", {}, {}, key, e.value, e.version, e.origin, e.tombstone, 0, 0, {}});
}

void context::forward(size_t k, const caf::message& msg, const std::string& a,
                      const std::string& b) {
  // Two extra picks, so that skipping a and b does not cost fanout.
  size_t sent = 0;
  for (auto& peer : sample(k + 2)) {
    if (sent == k || peer == a || peer == b)
      continue;
    send_update(peer, msg);
    ++sent;
  }
}

void context::on_rumor(const std::string& from, const rumor& r) {
  note_fresh();
  if (observed())
    emit(event{"delivered",
               {},
               from,
               {},
               r.payload,
               r.id,
               r.origin,
               false,
               0,
               0,
               "hops=" + std::to_string(r.hops) +
                   (r.topic.empty() ? "" : " topic=" + r.topic)});
}

std::vector<std::string> context::merge(const std::string& from,
                                        const std::vector<keyed_entry>& entries) {
  std::vector<std::string> changed;
  for (auto& x : entries) {
    on_delivered(from, x.key, x.e);
    if (data().merge(x.key, x.e, now_ms())) {
      note_fresh();
      changed.push_back(x.key);
      on_stored(x.key, *data().find(x.key));
    }
  }
  return changed;
}

} // namespace gossip
