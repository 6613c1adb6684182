// SWIM membership with failure detection (Das, Gupta, Motivala 2002), with
// Lifeguard's refinements (Dadgar et al. 2017). Each round a node probes one
// member (shuffled round-robin, probe.hpp); without an ack by the next round
// it asks `indirect` others to probe it; without an ack by the round after, it
// suspects the member. A suspicion becomes a death after a timeout that scales
// with log10(cluster size) and shrinks as independent suspicions arrive
// (suspicion.hpp); a suspected member that hears of it refutes with a higher
// incarnation, and a node that misses acks slows itself down (awareness.hpp).
// Updates ride on pings and acks, each a limited number of times. Dead members
// are retried at a low rate, and members periodically exchange their whole
// tables, so a healed partition merges back by itself. A member's labels
// (node_config::labels: zone, role, topics ...) travel with it.
// All parameters are counted in rounds of the node's tick (swim.cpp).
#pragma once

#include <string>
#include <vector>

#include "gossip/membership.hpp"
#include "gossip/registry.hpp"

namespace gossip {

struct swim_ping {
  GOSSIP_WIRE("gossip::swim_ping", from, seq, updates)
  std::string from;
  uint64_t seq = 0;
  std::vector<member_update> updates;
};

struct swim_ack {
  GOSSIP_WIRE("gossip::swim_ack", from, seq, updates)
  std::string from;
  uint64_t seq = 0;
  std::vector<member_update> updates;
};

/// "Probe `target` for me."
struct swim_ping_req {
  GOSSIP_WIRE("gossip::swim_ping_req", from, seq, target, updates)
  std::string from;
  uint64_t seq = 0;
  std::string target;
  std::vector<member_update> updates;
};

/// "`target` answered the probe you asked me for."
struct swim_indirect_ack {
  GOSSIP_WIRE("gossip::swim_indirect_ack", from, seq, target)
  std::string from;
  uint64_t seq = 0;
  std::string target;
};

/// Pending updates, sent each round to a few members while there are any
/// (as memberlist gossips between probes).
struct swim_gossip {
  GOSSIP_WIRE("gossip::swim_gossip", from, updates)
  std::string from;
  std::vector<member_update> updates;
};

/// A whole membership table: join, periodic anti-entropy, dead retries,
/// graceful leave. `reply` asks for the receiver's table back.
struct swim_sync {
  GOSSIP_WIRE("gossip::swim_sync", from, reply, members)
  std::string from;
  bool reply = false;
  std::vector<member_update> members;
};

// Envelopes only: each member update is validated on its own, and a bad one
// is dropped from its batch (counted) while the rest is applied.
std::string validate(const swim_ping& m, const limits& lim);
std::string validate(const swim_ack& m, const limits& lim);
std::string validate(const swim_ping_req& m, const limits& lim);
std::string validate(const swim_indirect_ack& m, const limits& lim);
std::string validate(const swim_gossip& m, const limits& lim);
std::string validate(const swim_sync& m, const limits& lim);

const protocol_info& swim_info();

} // namespace gossip
