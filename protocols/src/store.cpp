#include "gossip/store.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace gossip {

namespace {

auto rank(const entry& x) {
  return std::tie(x.version, x.origin, x.tombstone, x.value);
}

} // namespace

bool newer(const entry& a, const entry& b) {
  return rank(b) < rank(a);
}

bool same_write(const entry& a, const entry& b) {
  return rank(a) == rank(b);
}

void store::account(const std::string& key, const entry* before, const entry* after) {
  if (before)
    bytes_ -= key.size() + before->value.size();
  if (after)
    bytes_ += key.size() + after->value.size();
}

std::string store::quota_refusal(const std::string& key, size_t value_bytes,
                                 const limits& lim) const {
  auto old = find(key);
  if (!old && map_.size() >= lim.max_store_keys)
    return "store quota: " + std::to_string(map_.size()) + " keys held, at most " +
           std::to_string(lim.max_store_keys);
  auto before = old ? key.size() + old->value.size() : 0;
  auto after = bytes_ - before + key.size() + value_bytes;
  if (after > lim.max_store_bytes && after > bytes_)
    return "store quota: " + std::to_string(after) + " bytes would be held, at most " +
           std::to_string(lim.max_store_bytes);
  return {};
}

const entry& store::put(const std::string& key, std::string value,
                        const std::string& origin, int64_t now_ms, int64_t written_ms) {
  auto [i, added] = map_.try_emplace(key);
  auto& e = i->second;
  account(key, added ? nullptr : &e, nullptr);
  clock_ = std::min(clock_ + 1, max_clock);
  e = entry{std::move(value), clock_, origin, false, now_ms, written_ms};
  account(key, nullptr, &e);
  changed(key);
  return e;
}

bool store::erase(const std::string& key, const std::string& origin, int64_t now_ms,
                  int64_t written_ms) {
  auto i = map_.find(key);
  if (i == map_.end() || i->second.tombstone)
    return false;
  clock_ = std::min(clock_ + 1, max_clock);
  account(key, &i->second, nullptr);
  i->second = entry{std::string{}, clock_, origin, true, now_ms, written_ms};
  account(key, nullptr, &i->second);
  changed(key);
  return true;
}

bool store::merge(const std::string& key, const entry& e, int64_t now_ms) {
  clock_ = std::min(std::max(clock_, e.version), max_clock);
  auto [i, added] = map_.try_emplace(key, e);
  if (!added) {
    if (!newer(e, i->second))
      return false;
    account(key, &i->second, nullptr);
    i->second = e;
  }
  account(key, nullptr, &i->second);
  i->second.stored_at = now_ms;
  changed(key);
  return true;
}

uint64_t store::remote_ceiling(int64_t now_ms, uint64_t burst, uint64_t per_ms) {
  if (now_ms > ceiling_at_ms_) {
    if (ceiling_at_ms_ != std::numeric_limits<int64_t>::min()) {
      auto ms = static_cast<uint64_t>(now_ms - ceiling_at_ms_);
      auto room = max_clock - std::min(ceiling_, max_clock);
      ceiling_ += per_ms == 0 || ms <= room / per_ms ? ms * per_ms : room;
    }
    ceiling_at_ms_ = now_ms;
  }
  // Never more than a burst ahead, and never behind local writes.
  ceiling_ = std::max(std::min(ceiling_, clock_ + std::min(burst, max_clock)), clock_);
  return ceiling_;
}

size_t store::merge(const store& other, int64_t now_ms) {
  size_t changed = 0;
  for (auto& [key, e] : other.map_)
    changed += merge(key, e, now_ms) ? 1 : 0;
  return changed;
}

const std::string* store::get(const std::string& key) const {
  auto e = find(key);
  return e && !e->tombstone ? &e->value : nullptr;
}

const entry* store::find(const std::string& key) const {
  auto i = map_.find(key);
  return i != map_.end() ? &i->second : nullptr;
}

std::vector<keyed_entry> store::entries() const {
  std::vector<keyed_entry> result;
  result.reserve(map_.size());
  for (auto& [key, e] : map_)
    result.push_back(keyed_entry{key, e});
  return result;
}

std::vector<digest_item> store::digest() const {
  std::vector<digest_item> result;
  result.reserve(map_.size());
  for (auto& [key, e] : map_)
    result.push_back(digest_item{key, e.version, e.origin});
  return result;
}

std::vector<keyed_entry> store::newer_than(const std::vector<digest_item>& remote) const {
  std::vector<keyed_entry> result;
  auto newer = [](const entry& e, const digest_item* d) {
    return !d || std::tie(e.version, e.origin) > std::tie(d->version, d->origin);
  };
  if (remote.size() <= 16) {
    // Small digests (the common case in a round): a scan beats a hash map.
    for (auto& [key, e] : map_) {
      const digest_item* d = nullptr;
      for (auto& x : remote)
        if (x.key == key)
          d = &x;
      if (newer(e, d))
        result.push_back(keyed_entry{key, e});
    }
    return result;
  }
  std::unordered_map<std::string, const digest_item*> theirs;
  theirs.reserve(remote.size());
  for (auto& d : remote)
    theirs.emplace(d.key, &d);
  for (auto& [key, e] : map_) {
    auto i = theirs.find(key);
    if (newer(e, i == theirs.end() ? nullptr : i->second))
      result.push_back(keyed_entry{key, e});
  }
  return result;
}

bool store::forget(const std::string& key) {
  auto i = map_.find(key);
  if (i == map_.end() || !i->second.tombstone)
    return false;
  changed(key);
  account(key, &i->second, nullptr);
  map_.erase(i);
  return true;
}

size_t store::collect_garbage(int64_t now_ms, int64_t grace_ms) {
  size_t dropped = 0;
  for (auto i = map_.begin(); i != map_.end();) {
    if (i->second.tombstone && i->second.stored_at <= now_ms - grace_ms) {
      changed(i->first);
      account(i->first, &i->second, nullptr);
      i = map_.erase(i);
      ++dropped;
    } else {
      ++i;
    }
  }
  return dropped;
}

void store::advance_clock(uint64_t version) {
  clock_ = std::min(std::max(clock_, version), max_clock);
}

void store::track_changes() {
  tracking_ = true;
}

std::set<std::string> store::take_changes() {
  return std::exchange(changed_, {});
}

bool operator==(const store& a, const store& b) {
  return std::equal(a.map_.begin(), a.map_.end(), b.map_.begin(), b.map_.end(),
                    [](auto& x, auto& y) {
                      return x.first == y.first && same_write(x.second, y.second);
                    });
}

} // namespace gossip
