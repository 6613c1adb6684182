// The chaos test's fault schedule: made up front from a seed, so a run can be
// printed and repeated. Partitions, pauses, kills and degraded nodes, each
// with its end (heal, resume, restart, restore) inside the chaos phase.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gossip::chaos {

enum class step_kind {
  partition, // hosts in different groups cannot reach each other
  heal,      // every host back on one LAN
  pause,     // SIGSTOP
  resume,    // SIGCONT
  kill,      // SIGKILL
  restart,   // the same name and address, a new process
  degrade,   // the node's own fault layer loses and delays its sends
  restore,   // no more loss or delay
};

struct step {
  int64_t at_ms = 0; // from the start of the chaos phase
  step_kind kind = step_kind::heal;
  size_t node = 0;                         // pause ... restore
  std::vector<std::vector<size_t>> groups; // partition
  double loss = 0;                         // degrade
  uint64_t delay_rounds = 0;               // degrade
};

struct shape {
  size_t nodes = 5;
  /// Every fault has ended by then.
  int64_t duration_ms = 20000;
  /// Nodes paused or killed at the same time, at most.
  size_t max_down = 2;
  /// Include degraded nodes (needs gossip-node --fault-injection).
  bool degrade = true;
};

/// Faults start every 0.8 to 2 s; at most one partition at a time, at most
/// one fault per node at a time. Sorted by time; the same seed gives the
/// same schedule.
std::vector<step> make_schedule(uint64_t seed, const shape& s);

/// Node i's name, as process_cluster names it: n1, n2, ...
std::string node_name(size_t i);

/// One line, e.g. "t=3.2s partition n1,n4 | n2,n3,n5".
std::string to_string(const step& s);

} // namespace gossip::chaos
