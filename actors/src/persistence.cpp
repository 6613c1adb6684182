#include "persistence.hpp"

#include "gossip/address.hpp"

namespace gossip {

void persistence::restore(store& data, int64_t now_ms) {
  // Tombstones count as stored now: their garbage-collection grace starts
  // again (the previous life's clock readings mean nothing to this one).
  for (auto& x : dir_->take_entries())
    data.merge(x.key, x.e, now_ms);
  data.advance_clock(dir_->clock());
  data.track_changes();
}

void persistence::member_seen(const std::string& name, const std::string& address) {
  // What the next start could not parse would make the file unreadable.
  if (parse_host_port(address))
    members_[name] = address;
}

bool persistence::pending(const store& data) const {
  return data.has_changes() || !retry_.empty() || !members_.empty() || incarnation_ != 0;
}

std::string persistence::flush(store& data, durability how) {
  if (!pending(data))
    return {};
  data_dir::batch b;
  b.keys = data.take_changes();
  b.keys.merge(retry_);
  retry_.clear();
  for (auto& [name, address] : members_)
    b.members.push_back(known_member{name, address});
  b.incarnation = incarnation_;
  try {
    dir_->commit(data, b, how);
  } catch (const std::exception& e) {
    retry_ = std::move(b.keys);
    return e.what();
  }
  members_.clear();
  incarnation_ = 0;
  return {};
}

} // namespace gossip
