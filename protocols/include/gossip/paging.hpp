// Paged comparison of stores of any size (DESIGN.md, principle 6).
//
// A node compares its store with a peer's one page of its key space at a
// time: it sends the digest of the keys from a cursor on, as many as fit in a
// byte budget, and names the range that digest covers ([start, end), end ""
// meaning "to the last key"). The peer answers with the entries of that range
// that are newer than the digest or missing from it, in key order, again
// within a budget; when they do not all fit it says where it stopped
// (`next`), and the asker continues from there at once. A store that fits
// one page is compared whole in every exchange, as before paging; a larger
// one is swept page by page, round after round, and a node that lacks much
// (a joining one) follows the chain of truncated answers to the end.
// The empty string is never a key, so "" can mean "open end" and "complete".
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gossip/limits.hpp"
#include "gossip/store.hpp"

namespace gossip {

/// What one page of a digest covers: keys in [start, end); end "" is open.
struct page_range {
  std::string start;
  std::string end;
};

struct digest_page {
  page_range range;
  /// The sender's (key, version, origin) of every key it holds in range,
  /// in ascending key order.
  std::vector<digest_item> items;
};

/// Bytes one digest item counts against a budget.
size_t digest_bytes(const digest_item& d);

/// Bytes one entry counts against a budget (answers, pushes, deltas).
size_t delta_bytes(const std::string& key, const entry& e);
inline size_t delta_bytes(const keyed_entry& x) {
  return delta_bytes(x.key, x.e);
}

/// The digest of `data` from key `start` on, as many keys as fit in `budget`
/// bytes and `max_items` (at least one). Its range ends at the first key left
/// out, or is open when it reached the last key.
digest_page page_from(const store& data, const std::string& start, size_t budget,
                      size_t max_items);

struct delta_page {
  std::vector<keyed_entry> entries;
  /// Empty when every entry of the range that the asker lacks is here;
  /// otherwise the key to ask from next.
  std::string next;
};

/// The entries of `data` within `range` that are newer than, or missing
/// from, `items` (which must be validated: ascending, in range), at most
/// `budget` bytes and `max_items` entries (one larger entry alone is still
/// sent).
delta_page answer_page(const store& data, const page_range& range,
                       const std::vector<digest_item>& items, size_t budget,
                       size_t max_items);

/// Empty when a received page is well-formed: a range whose start is not
/// past its end, items bounded, well-formed, strictly ascending and inside
/// the range.
std::string validate(const page_range& range, const std::vector<digest_item>& items,
                     const limits& lim);

/// Empty when `next` of an answer may be followed: empty, or a plausible key.
std::string check_next(const std::string& next, const limits& lim);

/// The pages a node asked each peer for, not answered yet. Only an answer to
/// one of them is followed, only forward inside its range, and only while
/// answers teach something: no peer can make a node ask (and send a digest
/// page) by answering what it was not asked, nor keep a chain going.
class page_requests {
public:
  void asked(const std::string& peer, const page_range& range);
  /// Where to ask `peer` next, now that its answer stopped at `next`
  /// ("" : complete) and changed `changed` keys here; nothing to ask when
  /// it was not asked, complete, taught nothing, or `next` lies outside.
  /// The ask it answered, if one is found, is closed.
  std::optional<std::string> follow(const std::string& peer, const std::string& next,
                                    size_t changed);

  /// Asks kept open per peer (a round's request may cross a chain's) and in
  /// all, oldest dropped first (its answer is lost or late): a peer that
  /// never answers costs no more than its share. All asks of one round
  /// (fanout peers) stay open unless the fanout exceeds max_open.
  static constexpr size_t max_open_per_peer = 4;
  static constexpr size_t max_open = 1024;

private:
  std::vector<std::pair<std::string, page_range>> open_; // oldest first
};

/// Where a node's sweep of its key space stands: the next page starts at
/// `cursor()`, and moves past every page sent, wrapping at the end.
class page_cursor {
public:
  /// The next page of `data` to send; the cursor moves past it.
  digest_page next_page(const store& data, size_t budget, size_t max_items);
  const std::string& cursor() const { return cursor_; }

private:
  std::string cursor_;
};

} // namespace gossip
