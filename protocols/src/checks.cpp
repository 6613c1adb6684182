// Validation of the vocabulary types (store entries, digests, rumors, member
// updates): what a node checks before any of it touches state.
#include "gossip/limits.hpp"
#include "gossip/membership.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

std::string check_name(const std::string& name, const limits& lim) {
  if (name.empty())
    return "empty node name";
  if (name.size() > lim.max_name_bytes)
    return "node name longer than " + std::to_string(lim.max_name_bytes) + " bytes";
  return {};
}

std::string check_count(size_t n, const limits& lim, const char* what) {
  if (n > lim.max_entries)
    return "more than " + std::to_string(lim.max_entries) + " " + what;
  return {};
}

std::string check_batch(const std::string& from, size_t n, const limits& lim,
                        const char* what) {
  if (auto err = check_name(from, lim); !err.empty())
    return err;
  return check_count(n, lim, what);
}

std::string validate(const keyed_entry& x, const limits& lim) {
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
  if (x.e.written_ms < 0)
    return "entry with a negative origin time";
  return {};
}

std::string validate(const std::vector<digest_item>& digest, const limits& lim) {
  if (auto err = check_count(digest.size(), lim, "digest items"); !err.empty())
    return err;
  for (auto& d : digest)
    if (d.key.empty() || d.key.size() > lim.max_key_bytes ||
        d.origin.size() > lim.max_name_bytes)
      return "malformed digest item";
  return {};
}

std::string validate(const rumor& r, const limits& lim) {
  if (auto err = check_name(r.origin, lim); !err.empty())
    return "rumor origin: " + err;
  if (r.payload.size() > lim.max_value_bytes)
    return "rumor payload longer than " + std::to_string(lim.max_value_bytes) + " bytes";
  if (r.topic.size() > lim.max_label_bytes)
    return "rumor topic longer than " + std::to_string(lim.max_label_bytes) + " bytes";
  if (r.id == 0)
    return "rumor with id 0";
  return {};
}

std::string validate(const member_update& u, const limits& lim) {
  if (auto err = check_name(u.name, lim); !err.empty())
    return "member update: " + err;
  if (u.status > static_cast<uint8_t>(member_status::left))
    return "member update with unknown status " + std::to_string(u.status);
  // Only a member itself leaves (its goodbye names it as the reporter, and
  // is passed on unchanged); anyone else's "left" is a forgery.
  if (u.state() == member_status::left && u.reporter != u.name)
    return "member update: a leave reported by another member";
  if (u.address.size() > lim.max_name_bytes || u.reporter.size() > lim.max_name_bytes)
    return "member update with an oversized address or reporter";
  if (u.meta.size() > lim.max_labels)
    return "member update with more than " + std::to_string(lim.max_labels) + " labels";
  for (auto& [k, v] : u.meta)
    if (k.size() > lim.max_label_bytes || v.size() > lim.max_label_bytes)
      return "member update with an oversized label";
  return {};
}

} // namespace gossip
