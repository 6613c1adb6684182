#include "gossip/paging.hpp"

#include <tuple>

namespace gossip {

size_t digest_bytes(const digest_item& d) {
  return d.key.size() + d.origin.size() + 16;
}

size_t delta_bytes(const std::string& key, const entry& e) {
  return key.size() + e.value.size() + e.origin.size() + 24;
}

digest_page page_from(const store& data, const std::string& start, size_t budget,
                      size_t max_items) {
  digest_page page;
  page.range.start = start;
  auto& items = data.items();
  size_t used = 0;
  for (auto i = items.lower_bound(start); i != items.end(); ++i) {
    digest_item d{i->first, i->second.version, i->second.origin};
    used += digest_bytes(d);
    if ((used > budget || page.items.size() >= max_items) && !page.items.empty()) {
      page.range.end = i->first; // the first key left out
      break;
    }
    page.items.push_back(std::move(d));
  }
  return page;
}

namespace {

bool in_range(const std::string& key, const page_range& r) {
  return key >= r.start && (r.end.empty() || key < r.end);
}

// True when our entry beats what the asker's digest item says it holds.
bool beats(const entry& e, const digest_item* d) {
  return d == nullptr || std::tie(e.version, e.origin) > std::tie(d->version, d->origin);
}

} // namespace

delta_page answer_page(const store& data, const page_range& range,
                       const std::vector<digest_item>& digest, size_t budget,
                       size_t max_items) {
  delta_page result;
  auto& items = data.items();
  auto theirs = digest.begin();
  size_t used = 0;
  // Both sides in key order: one merge walk, O(keys in range).
  for (auto i = items.lower_bound(range.start);
       i != items.end() && in_range(i->first, range); ++i) {
    while (theirs != digest.end() && theirs->key < i->first)
      ++theirs;
    const digest_item* d =
        theirs != digest.end() && theirs->key == i->first ? &*theirs : nullptr;
    if (!beats(i->second, d))
      continue;
    keyed_entry x{i->first, i->second};
    used += delta_bytes(x);
    if ((used > budget || result.entries.size() >= max_items) &&
        !result.entries.empty()) {
      result.next = i->first;
      break;
    }
    result.entries.push_back(std::move(x));
  }
  return result;
}

std::string validate(const page_range& r, const std::vector<digest_item>& items,
                     const limits& lim) {
  if (r.start.size() > lim.max_key_bytes || r.end.size() > lim.max_key_bytes)
    return "page range with an oversized key";
  if (!r.end.empty() && r.end <= r.start)
    return "page range that ends before it starts";
  if (auto err = validate(items, lim); !err.empty())
    return err;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!in_range(items[i].key, r))
      return "digest item outside its page";
    if (i > 0 && !(items[i - 1].key < items[i].key))
      return "digest items out of order";
  }
  return {};
}

std::string check_next(const std::string& next, const limits& lim) {
  if (next.size() > lim.max_key_bytes)
    return "answer continuing at an oversized key";
  return {};
}

void page_requests::asked(const std::string& peer, const page_range& range) {
  auto oldest = open_.end();
  size_t theirs = 0;
  for (auto i = open_.begin(); i != open_.end(); ++i)
    if (i->first == peer && theirs++ == 0)
      oldest = i;
  if (theirs >= max_open_per_peer)
    open_.erase(oldest);
  else if (open_.size() >= max_open)
    open_.erase(open_.begin());
  open_.emplace_back(peer, range);
}

std::optional<std::string>
page_requests::follow(const std::string& peer, const std::string& next, size_t changed) {
  // The ask this answers: the one whose page holds `next`, or (a complete
  // answer says nothing of its page) the peer's oldest.
  auto answered = open_.end();
  for (auto i = open_.begin(); i != open_.end(); ++i) {
    if (i->first != peer)
      continue;
    auto& r = i->second;
    bool holds = !next.empty() && r.start < next && (r.end.empty() || next < r.end);
    if (holds || (next.empty() && answered == open_.end()))
      answered = i;
    if (holds)
      break;
  }
  if (answered == open_.end())
    return std::nullopt; // not asked, or `next` lies outside every page asked
  open_.erase(answered);
  if (next.empty() || changed == 0)
    return std::nullopt; // complete, or taught nothing
  return next;
}

digest_page page_cursor::next_page(const store& data, size_t budget, size_t max_items) {
  auto page = page_from(data, cursor_, budget, max_items);
  cursor_ = page.range.end; // "" (open end): the next sweep starts over
  return page;
}

} // namespace gossip
