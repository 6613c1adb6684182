// Plumtree's lazy side (plumtree_impl.hpp): the rumors and updates kept for
// GRAFTs, the IHAVEs of the next round and those announced but not received.
#include <algorithm>

#include "plumtree_impl.hpp"

namespace gossip::plumtree_detail {

// -- rumor_cache ----------------------------------------------------------------

bool rumor_cache::insert(const rumor_key& k, caf::message msg, uint64_t round, size_t max,
                         std::string parent, uint32_t hops, size_t bytes) {
  if (held_.size() >= max)
    return false;
  if (held_.emplace(k, held{std::move(msg), round, path{std::move(parent), hops}, bytes})
          .second)
    bytes_ += bytes;
  return true;
}

rumor_cache::path* rumor_cache::path_of(const rumor_key& k) {
  auto i = held_.find(k);
  return i == held_.end() ? nullptr : &i->second.path;
}

const caf::message* rumor_cache::find(const rumor_key& k) const {
  auto i = held_.find(k);
  return i == held_.end() || i->second.msg.empty() ? nullptr : &i->second.msg;
}

size_t rumor_cache::bytes_of(const rumor_key& k) const {
  auto i = held_.find(k);
  return i == held_.end() ? 0 : i->second.bytes;
}

void rumor_cache::expire(uint64_t round) {
  for (auto i = held_.begin(); i != held_.end();)
    if (i->second.round + rounds_ < round) {
      bytes_ -= i->second.bytes;
      i = held_.erase(i);
    } else {
      ++i;
    }
}

// -- announcements --------------------------------------------------------------

bool announcements::queue(const std::string& peer, plumtree_id x, size_t max) {
  auto& ids = queued_[peer];
  if (ids.size() >= max)
    return false;
  ids.push_back(std::move(x));
  return true;
}

void announcements::flush(port& p, size_t max_ids) {
  for (auto i = queued_.begin(); i != queued_.end();) {
    auto& ids = i->second;
    // A peer gone from the view is no lazy link any more.
    if (!in_view(p.peers(), i->first)) {
      i = queued_.erase(i);
      continue;
    }
    auto n = std::min(ids.size(), max_ids);
    std::vector<plumtree_id> batch(std::make_move_iterator(ids.begin()),
                                   std::make_move_iterator(ids.begin() + n));
    ids.erase(ids.begin(), ids.begin() + n);
    p.send(i->first, wire(plumtree_ihave{p.self(), std::move(batch)}), carries::control);
    i = ids.empty() ? queued_.erase(i) : std::next(i);
  }
}

size_t announcements::size() const {
  size_t n = 0;
  for (auto& [peer, ids] : queued_)
    n += ids.size();
  return n;
}

// -- missing_table --------------------------------------------------------------

missing_table::outcome missing_table::announce(const plumtree_id& x,
                                               const std::string& from, uint64_t due,
                                               size_t max) {
  auto key = rumor_key{x.origin, x.id};
  auto i = table_.find(key);
  if (i == table_.end()) {
    if (table_.size() >= max)
      return outcome::full;
    table_.emplace(std::move(key), entry{{announcer{from, x.hops}}, due});
    return outcome::started;
  }
  auto& from_list = i->second.from;
  auto same = [&](const announcer& a) { return a.name == from; };
  if (from_list.size() >= max_announcers ||
      std::any_of(from_list.begin(), from_list.end(), same))
    return outcome::ignored;
  from_list.push_back(announcer{from, x.hops});
  return outcome::added;
}

std::map<std::string, std::vector<plumtree_id>>
missing_table::expire(uint64_t round, uint64_t retry,
                      const std::vector<std::string>& view) {
  std::map<std::string, std::vector<plumtree_id>> grafts;
  for (auto i = table_.begin(); i != table_.end();) {
    auto& [key, e] = *i;
    if (e.due > round) {
      ++i;
      continue;
    }
    // The first announcer still in the view is asked; those gone are skipped.
    auto& from = e.from;
    auto asked = std::find_if(from.begin(), from.end(),
                              [&](const announcer& a) { return in_view(view, a.name); });
    if (asked == from.end()) {
      i = table_.erase(i); // nobody left to ask: given up
      continue;
    }
    grafts[asked->name].push_back(plumtree_id{key.first, key.second, asked->hops});
    from.erase(from.begin(), asked + 1);
    e.due = round + retry;
    ++i;
  }
  return grafts;
}

void missing_table::forget(const std::string& name) {
  for (auto& [key, e] : table_) {
    auto& from = e.from;
    from.erase(std::remove_if(from.begin(), from.end(),
                              [&](const announcer& a) { return a.name == name; }),
               from.end());
  }
}

} // namespace gossip::plumtree_detail
