// What a node counts: messages and bytes, in and out, per message type.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace gossip {

struct traffic {
  uint64_t sent_msgs = 0;
  uint64_t sent_bytes = 0;
  uint64_t recv_msgs = 0;
  uint64_t recv_bytes = 0;
  /// Received but dropped by validation.
  uint64_t rejected = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, traffic& x) {
  return f(x.sent_msgs, x.sent_bytes, x.recv_msgs, x.recv_bytes, x.rejected);
}

struct counters {
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
  /// Updates or rumors new to this node that arrived, and the rounds of the
  /// first and the last of them (0: none yet).
  uint64_t fresh = 0;
  uint64_t first_fresh_round = 0;
  uint64_t last_fresh_round = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, counters& x) {
  return f(x.by_type, x.total, x.unknown, x.unroutable, x.rounds, x.update_msgs, x.lost,
           x.fresh, x.first_fresh_round, x.last_fresh_round);
}

std::string to_json(const counters& x);

} // namespace gossip
