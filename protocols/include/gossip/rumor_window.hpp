// The rumor ids a node has seen lately, to drop duplicates: each id is kept
// for `rounds` rounds after it was first seen (a rumor older than that is no
// longer in flight).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "gossip/rumor.hpp"

namespace gossip {

class rumor_window {
public:
  explicit rumor_window(uint64_t rounds) : rounds_(rounds) {}

  enum class outcome { fresh, duplicate, full };

  /// Remembers `r` unless it was seen already or `max` ids are remembered
  /// (then the rumor is turned away, counted by the caller, rather than an old
  /// id forgotten early, which would deliver its rumor twice).
  outcome insert(const rumor& r, uint64_t round, size_t max) {
    auto key = std::make_pair(r.origin, r.id);
    if (seen_.count(key) > 0)
      return outcome::duplicate;
    if (seen_.size() >= max)
      return outcome::full;
    seen_.emplace(std::move(key), round);
    return outcome::fresh;
  }

  /// Forgets ids seen more than `rounds` rounds before `round`.
  void expire(uint64_t round) {
    for (auto i = seen_.begin(); i != seen_.end();)
      i = i->second + rounds_ < round ? seen_.erase(i) : std::next(i);
  }

  size_t size() const { return seen_.size(); }

private:
  uint64_t rounds_;
  std::map<std::pair<std::string, uint64_t>, uint64_t> seen_; // -> round first seen
};

} // namespace gossip
