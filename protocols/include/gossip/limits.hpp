// The bounds every message from outside is checked against before it touches
// state, and the checks every wire type shares (a sender name, a batch size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gossip {

struct limits {
  size_t max_name_bytes = 256;
  size_t max_key_bytes = 1024;
  size_t max_value_bytes = 1 << 20;
  /// Items (entries, digest items, member updates) in one message.
  size_t max_entries = 100000;
  /// Labels one member carries, and the bytes of each key and value.
  size_t max_labels = 64;
  size_t max_label_bytes = 256;
  /// An entry whose version is further ahead of this node's clock is
  /// rejected: honest clocks move one step per write, so this is 10^12
  /// writes the node has not heard of, and the clock can never be pushed
  /// near its end (it saturates there instead of wrapping).
  uint64_t max_version_ahead = uint64_t{1} << 40;
  /// How fast remote versions may move the clock on average, per ms: one
  /// jump of max_version_ahead at once, then no more than this (a million
  /// writes a millisecond, far beyond any cluster). Without it, entries each
  /// just within max_version_ahead walked the clock to its end in 2^22 steps
  /// (42 messages); now that takes 146 years.
  uint64_t max_version_rate = 1000000;
  /// Likewise for a member's incarnation (one step per refutation or restart).
  uint64_t max_incarnation_ahead = uint64_t{1} << 20;
  /// Tables that remote messages grow: members, rumor ids remembered,
  /// topics cached, origins tracked, subscribers of a node's events.
  size_t max_members = 10000;
  size_t max_rumor_ids = 100000;
  size_t max_topics = 1024;
  size_t max_origins = 100000;
  size_t max_subscribers = 64;
  /// The store's quota: keys held (tombstones included) and their bytes
  /// (key plus value). A local write past it is refused with an error; a
  /// remote entry past it is dropped and counted (the members that hold it
  /// still do). Overwriting a key never counts against max_store_keys.
  size_t max_store_keys = 10000000;
  uint64_t max_store_bytes = uint64_t{4} << 30;
  /// Requests waiting for members' answers (writes with a level, waits,
  /// agreement checks), and how long one may wait.
  size_t max_pending = 1024;
  uint64_t max_wait_ms = 600000;
};

/// Empty when `name` is a plausible node name, else what is wrong with it.
std::string check_name(const std::string& name, const limits& lim);

/// Empty when a batch of `n` items (called `what`) is within bounds.
std::string check_count(size_t n, const limits& lim, const char* what);

/// A sender's name and the size of the batch it sent: the envelope that
/// most messages share.
std::string check_batch(const std::string& from, size_t n, const limits& lim,
                        const char* what = "entries");

/// The first non-empty problem of several checks, in order.
inline std::string first_problem(std::string a) {
  return a;
}
template <class... Ts> std::string first_problem(std::string a, Ts&&... more) {
  return a.empty() ? first_problem(std::forward<Ts>(more)...) : a;
}

} // namespace gossip
