// What a metrics endpoint reads from a node besides its counters
// (stats_atom) and members (members_atom): the store's size, queue depths and
// the propagation delay of the updates that reached it.
//   (in_process, metrics_atom) -> node_gauges
// Local only (the tag is never registered): gossip-node's /metrics asks
// from its own process.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace gossip {

using metrics_atom = caf::atom_constant<caf::atom("g_metrics")>;

/// How long writes took from their origin to this node: wall clock at the
/// merge minus the origin's wall clock at the write (entry::written_ms).
/// Across hosts as good as their clocks agree.
struct delay_histogram {
  /// Upper bounds of the buckets, in milliseconds (and one more: +Inf).
  static constexpr std::array<int64_t, 15> bounds_ms{
      1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000};
  /// Per bucket, not cumulative; the last one is +Inf.
  std::array<uint64_t, bounds_ms.size() + 1> counts{};
  uint64_t count = 0;
  int64_t sum_ms = 0;
  /// Not observed: no origin time (a restored entry), or one in the future
  /// or over an hour ago (clocks apart, or made up by a peer).
  uint64_t skipped = 0;

  void observe(int64_t origin_ms, int64_t now_ms);
};

struct node_gauges {
  /// Live keys, tombstones, and the bytes of keys and values (what
  /// --max-bytes counts).
  uint64_t keys = 0;
  uint64_t tombstones = 0;
  uint64_t bytes = 0;
  /// Updates each protocol is still spreading (protocol::pending).
  std::map<std::string, uint64_t> pending;
  /// Messages held until a connection to their peer is up (routing).
  uint64_t waiting = 0;
  /// Connections being made.
  uint64_t connecting = 0;
  delay_histogram delay;
};

/// Milliseconds since the Unix epoch (the clock of entry::written_ms).
int64_t wall_ms();

} // namespace gossip

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gossip::node_gauges)
