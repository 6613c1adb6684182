// gossip-bench's pieces: one trial's numbers, the measurements that fill
// them in (measure.cpp) and the reports that print them (report.cpp).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "process_cluster.hpp"

namespace gossip::bench {

struct trial {
  size_t n = 0;
  int rep = 0;
  double join_ms = -1, join_from_last_listen_ms = -1, join_median_ms = -1, settle_ms = -1;
  double cpu_ms_per_node_s = -1, cpu_pct = -1;
  double t50 = -1, t90 = -1, t99 = -1, t100 = -1;
  double first_suspect = -1, first_down = -1, median_down = -1, all_down = -1;
  size_t false_suspicions = 0, false_downs = 0;
  /// After the settle: the most peers a node keeps a route to (its peer
  /// view: members alive or suspect), and the most established TCP
  /// connections a process holds (links.cpp); -1 when not measured.
  int64_t connections_per_node_max = -1, tcp_connections_per_process = -1;
};

/// Nearest rank, as the memberlist harness reports; -1 for no values.
double percentile(std::vector<double> xs, double p);
double median(std::vector<double> xs);

// -- measure.cpp ----------------------------------------------------------------

/// CPU time of all the cluster's running processes, in ms.
double cluster_cpu_ms(proc::process_cluster& c);

/// Adds to t the suspicions a node raised itself (not ones it heard of) and
/// the deaths it declared, about nodes not in `gone` (the killed process's),
/// at or after since_ms.
void count_false(proc::process_cluster& c, const std::set<std::string>& gone, trial& t,
                 int64_t since_ms = 0);

/// Starts node 0's process, then all others at once, and waits until every
/// node sees all (with `partial` views: at least one peer); fills in the join
/// times. False if they did not start or converge.
bool start(proc::process_cluster& c, trial& t, bool partial = false);

/// Waits until the load after the join has drained; returns how long it took.
double settle_down(proc::process_cluster& c, std::chrono::milliseconds min);

void measure_cpu(proc::process_cluster& c, trial& t, std::chrono::milliseconds win);
void measure_broadcast(proc::process_cluster& c, trial& t, size_t origin,
                       const std::string& text);
/// Kills victim's process (and so every node it hosts); times how the
/// other processes' nodes detect the victim.
/// Nodes that a node of another process counts live (their detectors).
std::set<size_t> watched_from_outside(proc::process_cluster& c);
void measure_detection(proc::process_cluster& c, trial& t, size_t victim);

// -- links.cpp ------------------------------------------------------------------

/// Established TCP connections of process `pid` (IPv4 and IPv6).
size_t tcp_connections(pid_t pid);
/// Fills in connections_per_node_max and tcp_connections_per_process.
void measure_links(proc::process_cluster& c, trial& t);

// -- writes.cpp -----------------------------------------------------------------

/// --writes: for each protocol list and size, one cluster; `puts` timed puts
/// at replicas 1, 2, majority and all, then `waits` writes each followed by
/// a wait. One JSON object per row on stdout, then two Markdown tables; the
/// waits' lags by percentile as an SVG plot at `plot_path` (none if empty).
int write_levels(const std::vector<size_t>& sizes,
                 const std::vector<std::string>& protocols, size_t puts, size_t waits,
                 const std::string& plot_path,
                 const std::function<proc::cluster_spec(size_t)>& spec_of);

// -- report.cpp -----------------------------------------------------------------

/// One trial as one JSON object.
std::string json(const trial& t);
/// The Markdown table: one row per size, "median (min-max)" per cell.
std::string markdown(const std::map<size_t, std::vector<trial>>& by_size);

} // namespace gossip::bench
