// Plumtree's bookkeeping, apart from its message handling (plumtree.cpp):
// the neighbours and their links (plumtree_links.cpp), and the lazy side
// (plumtree_lazy.cpp): the rumors kept for GRAFTs, the IHAVEs waiting for the
// next round, and the rumors announced but not received yet.
#pragma once

#include <caf/message.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gossip/plumtree.hpp"
#include "gossip/port.hpp"

namespace gossip::plumtree_detail {

using rumor_key = std::pair<std::string, uint64_t>; // origin, id

/// Whether `view` (in natural order) holds exactly `name`: natural order
/// may call distinct names equivalent ("01", "1").
bool in_view(const std::vector<std::string>& view, const std::string& name);

/// The neighbours (all peers, or a sticky random subset of `fanout` of them)
/// and which of them are lazy; the others are eager. Only neighbours have a
/// link state: whoever else talks to us gets served, never pushed to.
class links {
public:
  explicit links(size_t fanout) : fanout_(fanout) {}

  /// Drops neighbours gone from peers() and fills up to `fanout` from them,
  /// at random: a new neighbour starts eager. Returns the members picked at
  /// random from a longer view (full membership), to be greeted.
  std::vector<std::string> refresh(port& p);
  bool neighbour(const std::string& x) const;
  std::vector<std::string> eager() const;
  std::vector<std::string> lazy() const;
  /// A tree link: `x` sent us a rumor first, or we GRAFTed each other.
  /// A member of the view that is no neighbour yet is adopted (see adopt).
  void make_eager(const port& p, const std::string& x);
  /// No tree link: `x` pruned us, sent a duplicate or announced to us. A
  /// member that is no neighbour yet is adopted, lazy.
  void make_lazy(const port& p, const std::string& x);
  /// `x` has a link to us: a member that is no neighbour yet is adopted,
  /// lazy; a neighbour keeps its state.
  void adopt_lazy(const port& p, const std::string& x);
  /// The link to `x` is gone: no neighbour until it leaves peers() (its
  /// return is then a new link) or we hear from it again.
  void lost(const std::string& x);
  void heard_from(const std::string& x) { lost_.erase(x); }

private:
  std::vector<std::string> fill(port& p);
  /// Under full membership we may be in a member's subset while it is not
  /// in ours: links are made symmetric, as in HyParView's active view, or a
  /// member nobody picked would hear nothing, and a tree over one-way links
  /// would only carry rumors away from the first origin. At most fanout
  /// are adopted, however many members pick us.
  bool adopt(const port& p, const std::string& x);
  bool eligible(const port& p, const std::string& x) const;

  size_t fanout_;
  /// Neighbours we picked (at most fanout) and adopted ones (at most fanout).
  size_t picks() const { return neighbours_.size() - adopted_.size(); }

  std::vector<std::string> neighbours_; // in the order added
  std::set<std::string> adopted_;
  std::set<std::string> lazy_;
  std::set<std::string> lost_;
};

/// Every rumor and store update received lately, with the GOSSIP or UPDATE
/// message that passes it on (built once: for eager pushes and GRAFT answers
/// alike); its id drops duplicates while it is kept. A stale update (older
/// than the store's entry) is kept as an id only, with no message.
class rumor_cache {
public:
  explicit rumor_cache(uint64_t rounds) : rounds_(rounds) {}
  bool contains(const rumor_key& k) const { return held_.count(k) > 0; }
  /// False when `max` are kept already: the broadcast is turned away (and
  /// counted by the caller) rather than an id forgotten early.
  bool insert(const rumor_key& k, caf::message msg, uint64_t round, size_t max,
              std::string parent, uint32_t hops, size_t bytes);
  /// Payload bytes kept (a rumor's text, an update's key and value).
  size_t bytes() const { return bytes_; }
  /// The message to answer a GRAFT with; nullptr if not kept or an id only.
  const caf::message* find(const rumor_key& k) const;
  /// Payload bytes of a kept broadcast (0 if not kept).
  size_t bytes_of(const rumor_key& k) const;
  /// Where a kept rumor came from (its tree parent here) and with how many
  /// hops; nullptr if not kept.
  struct path {
    std::string parent;
    uint32_t hops = 0;
  };
  path* path_of(const rumor_key& k);
  /// Forgets rumors kept more than `rounds` rounds before `round`.
  void expire(uint64_t round);
  size_t size() const { return held_.size(); }

private:
  struct held {
    caf::message msg;
    uint64_t round;
    rumor_cache::path path;
    size_t bytes;
  };
  size_t bytes_ = 0;
  uint64_t rounds_;
  std::map<rumor_key, held> held_;
};

/// IHAVEs waiting for the next round, per lazy peer.
class announcements {
public:
  /// False when `max` ids wait for `peer` already (the id is dropped).
  bool queue(const std::string& peer, plumtree_id x, size_t max);
  /// One IHAVE of up to `max_ids` ids to each peer still in peers(); the
  /// rest waits for the next round.
  void flush(port& p, size_t max_ids);
  void forget(const std::string& peer) { queued_.erase(peer); }
  /// Ids waiting, over all peers.
  size_t size() const;

private:
  std::map<std::string, std::vector<plumtree_id>> queued_;
};

/// Rumors announced to us but not received, each with its announcers in
/// the order heard and the round its timer expires.
class missing_table {
public:
  enum class outcome { started, added, ignored, full };
  /// Remembers that `from` has `x`; a new entry (timer due at `due`) only
  /// while fewer than `max` are missing.
  outcome announce(const plumtree_id& x, const std::string& from, uint64_t due,
                   size_t max);
  /// The rumor arrived: its timer is cancelled.
  void received(const rumor_key& k) { table_.erase(k); }
  /// Expired timers at `round`: each asks its next announcer still in
  /// `view` and restarts for `retry` rounds; one with nobody left to ask
  /// is given up. Returns the GRAFT ids per announcer.
  std::map<std::string, std::vector<plumtree_id>>
  expire(uint64_t round, uint64_t retry, const std::vector<std::string>& view);
  /// `name` announces nothing any more.
  void forget(const std::string& name);
  size_t size() const { return table_.size(); }

  /// Announcers kept per rumor: honest ones are neighbours, a few.
  static constexpr size_t max_announcers = 16;

private:
  struct announcer {
    std::string name;
    uint32_t hops;
  };
  struct entry {
    std::vector<announcer> from;
    uint64_t due;
  };
  std::map<rumor_key, entry> table_;
};

} // namespace gossip::plumtree_detail
