// SWIM membership with failure detection (Das, Gupta, Motivala 2002), with
// Lifeguard's refinements (Dadgar et al. 2017). Each round a node probes one
// member (shuffled round-robin); without an ack by the next round it asks
// `indirect` others to probe it; without an ack by the round after, it
// suspects the member. A suspicion becomes a death after a timeout that scales
// with log10(cluster size) and shrinks as independent suspicions arrive; a
// suspected member that hears of it refutes with a higher incarnation.
// Updates ride on pings and acks, each a limited number of times. Dead members
// are retried at a low rate, and members periodically exchange their whole
// tables, so a healed partition merges back by itself. A member's labels
// (node_config::labels: zone, role, topics ...) travel with it.
//
// Parameters (all counted in rounds of the node's tick unless noted):
//   seeds             comma-separated host:port list to join through
//   indirect          members asked for an indirect probe (3)
//   suspicion-mult    min suspicion timeout = mult * max(1, log10 n) rounds (4)
//   suspicion-max     max timeout = suspicion-max * min timeout (6)
//   retransmit-mult   sends per update = mult * ceil(log10(n + 1)) (4)
//   piggyback         most updates carried by one message (16)
//   gossip-fanout     members sent pending updates each round, besides the
//                     probes they ride on (3; 0 = only piggybacked)
//   probe-every       rounds between probes, scaled by local health (1)
//   dead-retry        rounds between attempts to reach a dead member (10)
//   sync-every        rounds between full-table exchanges with a member (30)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gossip/membership.hpp"
#include "gossip/params.hpp"
#include "gossip/protocol.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

struct swim_ping {
  std::string from;
  uint64_t seq = 0;
  std::vector<member_update> updates;
};

struct swim_ack {
  std::string from;
  uint64_t seq = 0;
  std::vector<member_update> updates;
};

/// "Probe `target` for me."
struct swim_ping_req {
  std::string from;
  uint64_t seq = 0;
  std::string target;
  std::vector<member_update> updates;
};

/// "`target` answered the probe you asked me for."
struct swim_indirect_ack {
  std::string from;
  uint64_t seq = 0;
  std::string target;
};

/// Pending updates, sent each round to a few members while there are any
/// (as memberlist gossips between probes).
struct swim_gossip {
  std::string from;
  std::vector<member_update> updates;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_gossip& x) {
  return f(caf::meta::type_name("gossip::swim_gossip"), x.from, x.updates);
}

/// A whole membership table: join, periodic anti-entropy, dead retries,
/// graceful leave. `reply` asks for the receiver's table back.
struct swim_sync {
  std::string from;
  bool reply = false;
  std::vector<member_update> members;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_ping& x) {
  return f(caf::meta::type_name("gossip::swim_ping"), x.from, x.seq, x.updates);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_ack& x) {
  return f(caf::meta::type_name("gossip::swim_ack"), x.from, x.seq, x.updates);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_ping_req& x) {
  return f(caf::meta::type_name("gossip::swim_ping_req"), x.from, x.seq, x.target,
           x.updates);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_indirect_ack& x) {
  return f(caf::meta::type_name("gossip::swim_indirect_ack"), x.from, x.seq, x.target);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swim_sync& x) {
  return f(caf::meta::type_name("gossip::swim_sync"), x.from, x.reply, x.members);
}

std::unique_ptr<protocol> make_swim(const params& ps);
void add_swim_types(caf::actor_system_config& cfg);

} // namespace gossip
