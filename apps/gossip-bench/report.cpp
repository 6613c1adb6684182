// What gossip-bench prints: one JSON object per trial and a Markdown table
// per run. The numbers keep the 6 significant digits a stream prints, so the
// files stay comparable with earlier runs.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "bench.hpp"
#include "output.hpp"

namespace gossip::bench {

namespace {

// "median (min-max)" of one field over trials of one size.
std::string cell(const std::vector<trial>& ts, double trial::*field) {
  std::vector<double> xs;
  for (auto& t : ts)
    if (t.*field >= 0)
      xs.push_back(t.*field);
  if (xs.empty())
    return "n/a";
  auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%.*f (%.*f-%.*f)", xs[0] < 10 ? 2 : 0, median(xs),
                *lo < 10 ? 2 : 0, *lo, *hi < 10 ? 2 : 0, *hi);
  return buf;
}

} // namespace

std::string json(const trial& t) {
  auto x = [](double v) { return cli::significant(v, 6); };
  return cli::json_line({{"n", t.n},
                         {"rep", t.rep},
                         {"join_ms", x(t.join_ms)},
                         {"join_from_last_listen_ms", x(t.join_from_last_listen_ms)},
                         {"join_median_node_ms", x(t.join_median_ms)},
                         {"settle_ms", x(t.settle_ms)},
                         {"cpu_ms_per_node_per_s", x(t.cpu_ms_per_node_s)},
                         {"cpu_pct", x(t.cpu_pct)},
                         {"t50_ms", x(t.t50)},
                         {"t90_ms", x(t.t90)},
                         {"t99_ms", x(t.t99)},
                         {"t100_ms", x(t.t100)},
                         {"first_suspect_ms", x(t.first_suspect)},
                         {"first_down_ms", x(t.first_down)},
                         {"median_down_ms", x(t.median_down)},
                         {"all_down_ms", x(t.all_down)},
                         {"false_suspicions", t.false_suspicions},
                         {"false_downs", t.false_downs},
                         {"connections_per_node_max", t.connections_per_node_max},
                         {"tcp_connections_per_process", t.tcp_connections_per_process}});
}

std::string markdown(const std::map<size_t, std::vector<trial>>& by_size) {
  std::ostringstream o;
  o << "| N | trials | join: all see N (ms) | join: median node (ms) | idle CPU "
       "ms/node/s | "
       "t50 (ms) | t90 (ms) | t99 (ms) | t100 (ms) | first suspicion (ms) | first down "
       "(ms) "
       "| median down (ms) | all down (ms) | false suspicions |\n"
    << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (auto& [n, ts] : by_size) {
    size_t fs = 0;
    for (auto& t : ts)
      fs += t.false_suspicions;
    o << "| " << n << " | " << ts.size() << " | " << cell(ts, &trial::join_ms) << " | "
      << cell(ts, &trial::join_median_ms) << " | " << cell(ts, &trial::cpu_ms_per_node_s)
      << " | " << cell(ts, &trial::t50) << " | " << cell(ts, &trial::t90) << " | "
      << cell(ts, &trial::t99) << " | " << cell(ts, &trial::t100) << " | "
      << cell(ts, &trial::first_suspect) << " | " << cell(ts, &trial::first_down) << " | "
      << cell(ts, &trial::median_down) << " | " << cell(ts, &trial::all_down) << " | "
      << fs << " |\n";
  }
  return o.str();
}

} // namespace gossip::bench
