// Plumtree: Epidemic Broadcast Trees (Leitão, Pereira, Rodrigues, SRDS 2007).
//
// A broadcast over the node's neighbours (a HyParView active view, or a
// sticky random subset of `fanout` members under full membership) that
// builds a spanning tree as it goes. Each neighbour link is eager (the whole
// rumor is pushed on it at once) or lazy (only its id is announced, in an
// IHAVE batched once a round). Every link starts eager; a duplicate rumor
// marks the link it came on lazy at both ends (PRUNE), so after one broadcast
// the eager links form a tree and each later broadcast costs n-1 messages.
// A lost tree link is repaired lazily: a node that hears IHAVE for a rumor
// it lacks waits `graft-timeout` rounds, then asks the announcer for it
// (GRAFT), which also makes that link eager again. Under full membership a
// node greets the members it picks (an empty IHAVE) and adopts those that
// pick it, lazy until a tree needs the link, up to 4 * fanout: links are
// symmetric, as in HyParView's active view, so that a member nobody picked
// hears rumors too and one tree serves every origin.
//
// Rumors are started with (broadcast_atom, text) -> id, as for probabilistic
// gossip. Store writes ride the same tree: a local write (put, delete) is
// broadcast as an UPDATE carrying the key and its entry, and each node merges
// it through the shared data path (merge: checked, counted if rejected, held
// in synchronous rounds). Rumors and updates share one id space per origin,
// so IHAVE, GRAFT and PRUNE serve both unchanged. An entry older than what a
// node holds is no news: it is not passed on, announced or served. Run with
// an anti-entropy protocol (`plumtree,push-pull`): the tree spreads writes
// fast, the exchanges repair what it missed (a node down while a write and
// its IHAVEs passed, an id expired, a cache that was full).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gossip/registry.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

/// Ids in one IHAVE or GRAFT, whatever the limits allow: a peer announces at
/// most `ihave-max` a round, so more is never honest.
constexpr size_t plumtree_max_ids = 1024;

/// GOSSIP: the rumor itself, pushed on an eager link or answering a GRAFT.
struct plumtree_gossip {
  GOSSIP_WIRE("gossip::plumtree_gossip", from, rumor)
  std::string from;
  gossip::rumor rumor;
};

/// UPDATE: a store write, pushed on an eager link or answering a GRAFT.
/// (origin, id) names the broadcast in the same space as the origin's
/// rumors; the origin is the node that broadcast it (its writer, or a
/// replica spreading it as its own), not necessarily write.e.origin.
struct plumtree_update {
  GOSSIP_WIRE("gossip::plumtree_update", from, origin, id, hops, write)
  std::string from;
  std::string origin;
  uint64_t id = 0;
  uint32_t hops = 0;
  keyed_entry write;
};

/// One announced rumor or update; hops: the count it would arrive with from
/// the announcer.
struct plumtree_id {
  GOSSIP_WIRE("gossip::plumtree_id", origin, id, hops)
  std::string origin;
  uint64_t id = 0;
  uint32_t hops = 0;
};

/// IHAVE: rumors the sender has, announced on a lazy link.
struct plumtree_ihave {
  GOSSIP_WIRE("gossip::plumtree_ihave", from, ids)
  std::string from;
  std::vector<plumtree_id> ids;
};

/// GRAFT: send me these rumors, and make our link eager (hops unused).
struct plumtree_graft {
  GOSSIP_WIRE("gossip::plumtree_graft", from, ids)
  std::string from;
  std::vector<plumtree_id> ids;
};

/// PRUNE: that was a duplicate; our link is lazy from now on.
struct plumtree_prune {
  GOSSIP_WIRE("gossip::plumtree_prune", from)
  std::string from;
};

std::string validate(const plumtree_gossip& m, const limits& lim);
/// The envelope only: the entry is checked where it is merged (check_entry),
/// so that a bad one is counted as a rejected item.
std::string validate(const plumtree_update& m, const limits& lim);
std::string validate(const plumtree_ihave& m, const limits& lim);
std::string validate(const plumtree_graft& m, const limits& lim);
std::string validate(const plumtree_prune& m, const limits& lim);
/// One id of a batch (checked by the handler: a bad one does not sink it).
std::string validate(const plumtree_id& x, const limits& lim);

const protocol_info& plumtree_info();

} // namespace gossip
