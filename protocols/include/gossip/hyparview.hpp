// HyParView membership (Leitão, Pereira, Rodrigues, DSN 2007): a partial view
// for large clusters. Each node keeps a small symmetric active view (the only
// peers it talks to and the node's whole peer view) and a larger passive view
// of candidates. A joiner's contact takes it in and sends a FORWARDJOIN on a
// random walk that ends in more active links; a failed or silent active peer
// is replaced by a passive one (NEIGHBOR, high priority when the view is
// empty); periodic SHUFFLE walks keep the passive views fresh and mixed.
// Beyond the paper, a node every `mix-every` rounds asks a random passive or
// lost peer to become a neighbour, so islands left by a partition merge again
// (lasp-lang/partisan#75). All parameters are counted in rounds (hyparview.cpp).
#pragma once

#include <caf/atom.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "gossip/in_process.hpp"
#include "gossip/partial_view.hpp"
#include "gossip/registry.hpp"

namespace gossip {

/// (in_process, hv_join_atom, contact): join through the node named
/// `contact`, reachable in-process (gossip-sim joins node i through an
/// earlier node this way).
using hv_join_atom = caf::atom_constant<caf::atom("hv_join")>;
/// (in_process, hv_passive_atom) -> std::vector<std::string>: the passive
/// view's names.
using hv_passive_atom = caf::atom_constant<caf::atom("hv_passive")>;
// Both are for the node's own process only (in_process.hpp): a remote peer
// must not make a node join wherever it says nor read its candidates. From
// outside they arrive empty and are counted as unknown.

/// Bounds on what a message may carry: a shuffle has self plus
/// shuffle-active plus shuffle-passive entries, walks are a few hops.
constexpr size_t hv_max_entries = 32;
constexpr uint32_t hv_max_ttl = 16;

/// "Take me in": sent to the contact (by name or to a seed's address).
struct hv_join {
  GOSSIP_WIRE("gossip::hv_join", from, address)
  std::string from;
  std::string address; // the joiner's claim, empty in-process: walked once verified
};

/// A join's random walk through active views (taken from neighbours only).
struct hv_forward_join {
  GOSSIP_WIRE("gossip::hv_forward_join", from, joiner, ttl)
  std::string from;
  hv_peer joiner;
  uint32_t ttl = 0;
};

/// "Be my neighbour"; `high` when the asker's active view is empty (or it
/// mixes islands): then the receiver makes room.
struct hv_neighbor {
  GOSSIP_WIRE("gossip::hv_neighbor", from, address, high)
  std::string from;
  std::string address;
  bool high = false;
};

/// The answer to a NEIGHBOR, and what a join's contact or the end of a
/// forward walk sends the joiner: `accepted` means "you are in my active
/// view, put me in yours", which keeps links symmetric.
struct hv_neighbor_reply {
  GOSSIP_WIRE("gossip::hv_neighbor_reply", from, address, accepted)
  std::string from;
  std::string address;
  bool accepted = false;
};

/// "You are out of my active view" (moves the sender to the passive view).
struct hv_disconnect {
  GOSSIP_WIRE("gossip::hv_disconnect", from)
  std::string from;
};

/// Keepalive on an active link; one from a peer that is not our neighbour
/// is answered with a DISCONNECT.
struct hv_heartbeat {
  GOSSIP_WIRE("gossip::hv_heartbeat", from)
  std::string from;
};

/// A shuffle's random walk: `origin` and a sample of its views, addresses
/// only where the origin verified them (taken from neighbours only).
struct hv_shuffle {
  GOSSIP_WIRE("gossip::hv_shuffle", from, origin, ttl, entries)
  std::string from;
  hv_peer origin;
  uint32_t ttl = 0;
  std::vector<hv_peer> entries;
};

/// Where a shuffle stopped: as many passive entries back to its origin (one
/// reply taken per shuffle).
struct hv_shuffle_reply {
  GOSSIP_WIRE("gossip::hv_shuffle_reply", from, entries)
  std::string from;
  std::vector<hv_peer> entries;
};

std::string validate(const hv_join& m, const limits& lim);
std::string validate(const hv_forward_join& m, const limits& lim);
std::string validate(const hv_neighbor& m, const limits& lim);
std::string validate(const hv_neighbor_reply& m, const limits& lim);
std::string validate(const hv_disconnect& m, const limits& lim);
std::string validate(const hv_heartbeat& m, const limits& lim);
std::string validate(const hv_shuffle& m, const limits& lim);
std::string validate(const hv_shuffle_reply& m, const limits& lim);

const protocol_info& hyparview_info();

} // namespace gossip
