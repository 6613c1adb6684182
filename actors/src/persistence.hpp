// What a node with a data directory does with it (private to actors/): it
// restores the store and the clock before its first message, collects what
// changes (the store's keys through its change tracking, members seen alive,
// its own incarnation) and commits it. A local write is committed at once and
// synced, before its "ok"; everything else is batched: one commit for all
// the messages that arrive together (the node sends itself one flush_atom
// per burst) and one at the end of each round.
#pragma once

#include <caf/atom.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "gossip/data_dir.hpp"
#include "gossip/store.hpp"

namespace gossip {

/// (flush_atom): commit what changed (sent by a node to itself).
using flush_atom = caf::atom_constant<caf::atom("g_flush")>;

class persistence {
public:
  explicit persistence(std::shared_ptr<data_dir> dir) : dir_(std::move(dir)) {}

  /// Fills `data` with what the previous life kept and from then on tracks
  /// what changes in it.
  void restore(store& data, int64_t now_ms);

  uint64_t first_incarnation() const { return dir_->incarnation(); }
  /// `name` is alive at `address` (kept if it is a valid host:port).
  void member_seen(const std::string& name, const std::string& address);
  void incarnation_changed(uint64_t incarnation) { incarnation_ = incarnation; }

  /// Commits what changed since the last commit; empty on success, else
  /// why (what failed stays pending for the next one).
  std::string flush(store& data, durability how);

  /// A flush_atom is on its way to the node.
  bool flush_scheduled = false;

private:
  bool pending(const store& data) const;

  std::shared_ptr<data_dir> dir_;
  std::set<std::string> retry_; // keys of a failed commit
  std::map<std::string, std::string> members_;
  uint64_t incarnation_ = 0;
};

} // namespace gossip
