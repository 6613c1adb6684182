// Write levels and convergence: a node-level exchange that tells a writer how
// many members hold a version, whatever dissemination protocol runs.
//
// A node that took a write with a level hands a copy straight to live
// members (replica_write); each merges it and answers with what it now holds
// of the key (held). The node answers the write once `needed` distinct
// members, itself included, hold that version or a newer one. `wait` asks
// every live member what it holds of a key (held_query, answered by held)
// until all hold the node's current version; membership agreement compares
// digests of each member's live view (view_query, answered by view_digest).
//
// Here: the wire types, their checks and the counting (no I/O). The node's
// side (requests waiting for answers, retries, deadlines) is
// actors/src/replicator.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gossip/limits.hpp"
#include "gossip/store.hpp"
#include "gossip/wire.hpp"

namespace gossip {

/// How many members must hold a write before the node answers it.
struct write_level {
  GOSSIP_WIRE("gossip::write_level", replicas, timeout_ms)
  /// A majority, or all, of the members live when the write is made.
  static constexpr uint32_t majority = 0xFFFFFFFE;
  static constexpr uint32_t all = 0xFFFFFFFF;
  /// K members (this node included), majority or all.
  uint32_t replicas = 1;
  /// How long the node waits for the members' answers.
  uint64_t timeout_ms = 5000;
};

/// Empty when a level may be used: 1 to max_members replicas (or majority,
/// all), a timeout of 1 ms to limits::max_wait_ms.
std::string validate(const write_level& x, const limits& lim);

/// "3", "majority" or "all"; nothing for anything else (0, "-1", "2x").
std::optional<uint32_t> parse_replicas(const std::string& text);
std::string replicas_text(uint32_t replicas);

/// Members a level needs when `live` members (this node included) are alive.
uint32_t needed_replicas(uint32_t replicas, size_t live);

/// A write, handed by the node that took it to a member that is to hold it.
struct replica_write {
  GOSSIP_WIRE("gossip::replica_write", from, seq, write)
  std::string from;
  uint64_t seq = 0;
  keyed_entry write;
};

/// "What do you hold of `key`?"
struct held_query {
  GOSSIP_WIRE("gossip::held_query", from, seq, key)
  std::string from;
  uint64_t seq = 0;
  std::string key;
};

/// The answer to a replica_write or a held_query: what the sender holds of
/// the key now (version 0: nothing).
struct held {
  GOSSIP_WIRE("gossip::held", from, seq, item)
  std::string from;
  uint64_t seq = 0;
  digest_item item;
};

/// "Which members do you count as live?"
struct view_query {
  GOSSIP_WIRE("gossip::view_query", from, seq)
  std::string from;
  uint64_t seq = 0;
};

/// The answer: how many live members the sender counts (itself included) and
/// a digest of their names (view_hash).
struct view_digest {
  GOSSIP_WIRE("gossip::view_digest", from, seq, members, digest)
  std::string from;
  uint64_t seq = 0;
  uint32_t members = 0;
  uint64_t digest = 0;
};

// The node checks the envelope; a replica_write's entry is checked as every
// merged entry is (check_entry), and a bad one is dropped and counted.
std::string validate(const replica_write& m, const limits& lim);
std::string validate(const held_query& m, const limits& lim);
std::string validate(const held& m, const limits& lim);
std::string validate(const view_query& m, const limits& lim);
std::string validate(const view_digest& m, const limits& lim);

/// The node's answer to a write with a level and to a wait: the version, how
/// many members hold it (this node included), how many were needed, how
/// many members were live, and the members that had not confirmed (for a
/// write: of those it was handed to).
struct hold_report {
  GOSSIP_WIRE("gossip::hold_report", version, held, needed, live, missing)
  /// 0: nothing written (a delete of an absent key) or no such key (wait).
  uint64_t version = 0;
  uint32_t held = 0;
  uint32_t needed = 0;
  uint32_t live = 0;
  std::vector<std::string> missing;

  bool ok() const { return version != 0 && held >= needed; }
};

/// The node's answer to an agreement check: its own live view (member count
/// and digest) and the members that see another view or did not answer.
struct view_report {
  GOSSIP_WIRE("gossip::view_report", members, digest, differing, silent)
  uint32_t members = 0;
  uint64_t digest = 0;
  std::vector<std::string> differing;
  std::vector<std::string> silent;

  bool agreed() const { return differing.empty() && silent.empty(); }
};

/// What a node receives from the node it drives (gossip-ctl): lists bounded
/// by max_members, plausible names.
std::string validate(const hold_report& r, const limits& lim);
std::string validate(const view_report& r, const limits& lim);

/// `a` is at least as new as `b`: the same key, and (version, origin) not
/// below b's (entries' order: a newer write of the key counts too).
bool at_least(const digest_item& a, const digest_item& b);

/// What `s` holds of `key` (version 0 and no origin: nothing).
digest_item held_item(const store& s, const std::string& key);

/// A digest of a live view: FNV-1a over the names, sorted, each ended by 0.
/// The same set of names gives the same digest on every node.
uint64_t view_hash(std::vector<std::string> names);

/// A write waiting for its level: `needed` distinct members, this node
/// included, holding at least `target`. Only the members it is handed to
/// count, each once, whatever they send how often.
class write_quorum {
public:
  /// `candidates`: the other live members, in the order they are to be asked.
  write_quorum(digest_item target, uint32_t needed, uint32_t live,
               std::vector<std::string> candidates);

  /// Up to n candidates not asked yet; from now on they count as asked.
  std::vector<std::string> ask_more(size_t n);
  /// Asked and not answered yet.
  std::vector<std::string> unanswered() const;
  /// `from` holds `item`; true if that made it count.
  bool answer(const std::string& from, const digest_item& item);

  uint32_t held() const { return static_cast<uint32_t>(holders_.size()) + 1; }
  uint32_t needed() const { return needed_; }
  /// Holders still missing.
  size_t shortfall() const { return met() ? 0 : needed_ - held(); }
  bool met() const { return held() >= needed_; }
  /// Every candidate answered and the level is not met: no use waiting.
  bool hopeless() const;
  const digest_item& target() const { return target_; }
  hold_report report() const;

private:
  digest_item target_;
  uint32_t needed_;
  uint32_t live_;
  std::vector<std::string> candidates_;
  size_t asked_ = 0;
  std::set<std::string> answered_;
  std::set<std::string> holders_;
};

/// A wait for every live member to hold `target`: who confirmed so far.
/// The live members are the node's at each look, so one that dies does not
/// hold the wait up and one that joins must hold the version too.
class convergence {
public:
  explicit convergence(digest_item target) : target_(std::move(target)) {}

  /// `from`, a live member, holds `item`; true if that made it count.
  bool answer(const std::string& from, const digest_item& item);
  /// Of `others` (the live members but this node), those not confirmed.
  std::vector<std::string> missing(const std::vector<std::string>& others) const;
  /// Members confirmed so far.
  size_t count() const { return holders_.size(); }
  const digest_item& target() const { return target_; }
  hold_report report(const std::vector<std::string>& others) const;

private:
  digest_item target_;
  std::set<std::string> holders_;
};

/// An agreement check: the view digest each member answered with.
class agreement {
public:
  void answer(const view_digest& d) { digests_[d.from] = d.digest; }
  /// Of `others`, those whose last answer is not `digest` (or none yet).
  std::vector<std::string> disagreeing(const std::vector<std::string>& others,
                                       uint64_t digest) const;
  view_report report(const std::vector<std::string>& others, uint32_t members,
                     uint64_t digest) const;

private:
  std::map<std::string, uint64_t> digests_;
};

} // namespace gossip
