// What a node counts: messages and bytes, in and out, per message type.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "gossip/port.hpp"
#include "gossip/wire.hpp"

namespace gossip {

struct traffic {
  GOSSIP_WIRE("gossip::traffic", sent_msgs, sent_bytes, recv_msgs, recv_bytes, rejected,
              rejected_items)
  uint64_t sent_msgs = 0;
  uint64_t sent_bytes = 0;
  uint64_t recv_msgs = 0;
  uint64_t recv_bytes = 0;
  /// Received but dropped by validation.
  uint64_t rejected = 0;
  /// Items (entries, member updates) dropped from a batch, the rest used.
  uint64_t rejected_items = 0;
};

struct counters {
  GOSSIP_WIRE("gossip::counters", by_type, total, unknown, unroutable, rounds,
              update_msgs, lost, refused_subscribers, deferred_dials, fresh,
              first_fresh_round, last_fresh_round, refused_requests, store_keys,
              store_bytes, suspicions, refutations)
  /// Keyed by the message's registered type name, e.g. "gossip::push_msg".
  std::map<std::string, traffic> by_type;
  traffic total;
  /// Messages no handler understood (counted, dropped).
  uint64_t unknown = 0;
  /// Sends to a peer not in the view (dropped).
  uint64_t unroutable = 0;
  uint64_t rounds = 0;
  /// Messages that carried an update (the papers' "traffic").
  uint64_t update_msgs = 0;
  /// Dropped by the fault layer's loss.
  uint64_t lost = 0;
  /// Subscribers turned away (limits::max_subscribers).
  uint64_t refused_subscribers = 0;
  /// Connects not made: the address failed within its backoff (routing.hpp).
  uint64_t deferred_dials = 0;
  /// Updates or rumors new to this node that arrived, and the rounds of the
  /// first and the last of them (0: none yet).
  uint64_t fresh = 0;
  uint64_t first_fresh_round = 0;
  uint64_t last_fresh_round = 0;
  /// Writes with a level, waits and agreement checks turned away
  /// (limits::max_pending of them were waiting already).
  uint64_t refused_requests = 0;
  /// Members SWIM marked suspect here, and claims that this node is suspect,
  /// dead or gone that it refuted (a higher incarnation).
  uint64_t suspicions = 0;
  uint64_t refutations = 0;
  /// The store as the node answered: keys held (tombstones included) and
  /// their bytes (keys plus values), what its quota is measured against.
  uint64_t store_keys = 0;
  uint64_t store_bytes = 0;
};

std::string to_json(const counters& x);

/// What a port tallies (port::count), at round `round`; a rejected item is
/// counted by the caller, against the message it came in.
inline void tally_into(counters& c, tally what, uint64_t round) {
  switch (what) {
  case tally::fresh:
    if (c.fresh++ == 0)
      c.first_fresh_round = round;
    c.last_fresh_round = round;
    break;
  case tally::rejected_item:
    break;
  case tally::suspicion:
    ++c.suspicions;
    break;
  case tally::refutation:
    ++c.refutations;
    break;
  }
}

} // namespace gossip
