// The replicated state: a versioned key-value map.
//
// Every write is stamped with a version from the writing node's Lamport clock
// (one more than any version it has seen) and the writer's name (its origin),
// so each origin numbers its own writes. Two entries for the same key are
// ordered by (version, origin, tombstone, value); the greater one wins. Merge
// is therefore a max over a total order: commutative, associative and
// idempotent, and all replicas that saw the same writes agree. A delete is a
// write of a tombstone, so it beats every older write of the key.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gossip/limits.hpp"
#include "gossip/wire.hpp"

namespace gossip {

struct entry {
  GOSSIP_WIRE("gossip::entry", value, version, origin, tombstone, written_ms)
  std::string value;
  uint64_t version = 0;
  std::string origin;
  bool tombstone = false;
  /// Local time (ms) at which this replica first stored this version; used to
  /// garbage-collect tombstones. Not part of the entry's identity, not sent.
  int64_t stored_at = 0;
  /// Wall-clock time (ms since the Unix epoch) at which the origin made this
  /// write; 0: unknown (a restored entry). It travels with the entry so that
  /// each replica can measure how long the write took to reach it (the
  /// propagation-delay histogram); not part of the entry's identity.
  int64_t written_ms = 0;
};

/// Strict "newer than" over the total order described above.
bool newer(const entry& a, const entry& b);

/// Same version of the same write (stored_at ignored).
bool same_write(const entry& a, const entry& b);

struct keyed_entry {
  GOSSIP_WIRE("gossip::keyed_entry", key, e)
  std::string key;
  entry e;
};

/// Empty when the entry may be merged: key and value within bounds, a
/// version, a plausible origin, no value on a tombstone.
std::string validate(const keyed_entry& x, const limits& lim);

/// Compact summary of a store: key -> (version, origin) of what it holds.
struct digest_item {
  GOSSIP_WIRE("gossip::digest_item", key, version, origin)
  std::string key;
  uint64_t version = 0;
  std::string origin;
};

/// Empty when a whole digest is well-formed (bounded, no malformed item).
std::string validate(const std::vector<digest_item>& digest, const limits& lim);

class store {
public:
  using map_type = std::map<std::string, entry>;

  /// Writes `value` under `key` as a new version from `origin`.
  /// `written_ms`: the origin's wall-clock time of the write (entry::written_ms).
  const entry& put(const std::string& key, std::string value, const std::string& origin,
                   int64_t now_ms = 0, int64_t written_ms = 0);

  /// Deletes `key` by writing a tombstone. Returns false if the key is absent
  /// or already deleted (nothing is written then).
  bool erase(const std::string& key, const std::string& origin, int64_t now_ms = 0,
             int64_t written_ms = 0);

  /// Merges one remote entry. Returns true if it replaced what we had.
  bool merge(const std::string& key, const entry& e, int64_t now_ms = 0);

  /// Merges a whole store; returns the number of keys that changed.
  size_t merge(const store& other, int64_t now_ms = 0);

  /// The live value of `key`, or nullptr when absent or deleted.
  const std::string* get(const std::string& key) const;

  /// The entry (possibly a tombstone) for `key`, or nullptr.
  const entry* find(const std::string& key) const;

  /// All entries, tombstones included, as a list ready to send.
  std::vector<keyed_entry> entries() const;

  /// What we hold, as (key, version, origin) triples.
  std::vector<digest_item> digest() const;

  /// Entries we hold that are newer than what `remote` says it holds,
  /// including keys missing from `remote`.
  std::vector<keyed_entry> newer_than(const std::vector<digest_item>& remote) const;

  /// Drops the tombstone under `key` (garbage collection); false if `key`
  /// holds a live value or nothing.
  bool forget(const std::string& key);

  /// Drops tombstones stored at or before `now_ms - grace_ms`. Returns how many.
  size_t collect_garbage(int64_t now_ms, int64_t grace_ms);

  /// Highest version seen; the next local write gets clock() + 1.
  uint64_t clock() const { return clock_; }

  /// Past this the clock is exhausted: puts and erases are refused (never a
  /// wrap to 0, which would make every later write lose). Validation keeps
  /// remote versions within limits::max_version_ahead of the clock and
  /// below remote_ceiling, so no cluster gets here, honest or not.
  static constexpr uint64_t max_clock = uint64_t{1} << 62;
  bool can_write() const { return clock_ < max_clock; }

  /// The highest version an entry from outside may bring now: at most
  /// `burst` beyond the clock, and beyond any earlier ceiling by no more
  /// than `per_ms` for each millisecond since (a token bucket, full at
  /// first). Local writes are not limited.
  uint64_t remote_ceiling(int64_t now_ms, uint64_t burst, uint64_t per_ms);

  /// Raises the clock to at least `version` (a node restoring the clock of
  /// its previous life); it still saturates at max_clock.
  void advance_clock(uint64_t version);

  /// From now on, remembers the keys whose entry changes (written, merged,
  /// forgotten) until take_changes() hands them over: what a node with a
  /// data directory writes to disk. Off by default (no cost).
  void track_changes();
  bool has_changes() const { return !changed_.empty(); }
  std::set<std::string> take_changes();

  size_t size() const { return map_.size(); }
  /// Bytes held: key plus value of every entry, tombstones included.
  uint64_t bytes() const { return bytes_; }

  /// Empty when writing `value_bytes` under `key` stays within the quota
  /// of `lim` (max_store_keys, max_store_bytes), else why not.
  std::string quota_refusal(const std::string& key, size_t value_bytes,
                            const limits& lim) const;
  const map_type& items() const { return map_; }

  /// Same writes under the same keys (stored_at ignored).
  friend bool operator==(const store& a, const store& b);
  friend bool operator!=(const store& a, const store& b) { return !(a == b); }

private:
  void changed(const std::string& key) {
    if (tracking_)
      changed_.insert(key);
  }

  // Keeps bytes_ right when the entry under `key` changes from `before`
  // (nullptr: absent) to `after` (nullptr: gone).
  void account(const std::string& key, const entry* before, const entry* after);

  map_type map_;
  uint64_t bytes_ = 0;
  uint64_t clock_ = 0;
  uint64_t ceiling_ = max_clock;
  int64_t ceiling_at_ms_ = std::numeric_limits<int64_t>::min();
  bool tracking_ = false;
  std::set<std::string> changed_;
};

} // namespace gossip
