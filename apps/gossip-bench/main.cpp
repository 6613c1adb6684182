// gossip-bench: measures a cluster of gossip-node processes the way the
// memberlist anchor (shared/anchors/memberlist) measures memberlist: join
// convergence, broadcast dissemination (t50/t90/t99/t100), failure detection
// and idle CPU per node, for several cluster sizes; optionally a long idle
// run counting false suspicions. Progress on stderr, a Markdown table and
// one JSON object per trial on stdout (or --json / --md files).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "bench.hpp"
#include "cli.hpp"
#include "output.hpp"
#include "overlay.hpp"

namespace {

using namespace gossip;
using namespace gossip::bench;
using proc::process_cluster;
using namespace std::chrono_literals;

const std::vector<cli::option> options{
    {"sizes", "N,N,...", "cluster sizes (default 8,32,128)"},
    {"reps", "R", "repetitions per size (default 3)"},
    {"interval", "DURATION",
     "round length of every node (default: gossip-node's, 500ms)"},
    {"node-args", "ARGS", "extra gossip-node options, space-separated"},
    {"per-process", "P",
     "nodes per gossip-node process (default 1); a failure kills the victim's "
     "process, so its P nodes: detection is timed for the victim by the others"},
    {"overlay", "full|hyparview",
     "membership of every node: full (SWIM, default) or hyparview (partial views)"},
    {"cpuwin", "DURATION", "idle-CPU window (default 5s)"},
    {"settle", "DURATION",
     "least wait after the join, then until the load is steady (default 3s)"},
    {"idle", "DURATION",
     "instead: one idle run of the first size, counting false suspicions"},
    {"writes", "N",
     "instead: N timed puts per write level (1, 2, majority, all) and N/2 writes "
     "each followed by a wait, per size"},
    {"plot", "FILE.svg", "--writes: the waits' lags by percentile, one line per cluster"},
    {"protocols", "A/B/...",
     "--writes: the protocol lists to run, slash-separated (default "
     "push-pull,probabilistic/anti-entropy)"},
    {"seed", "N", "picks origins and victims (default 1)"},
    {"json", "FILE", "append one JSON object per trial to FILE"},
    {"md", "FILE", "write the Markdown tables to FILE"},
};

proc::cluster_spec make_spec(size_t n, const cli::parsed& args) {
  proc::cluster_spec spec;
  spec.nodes = n;
  spec.per_process = args.values.get_uint("per-process", 1);
  spec.bin_dir = proc::self_dir();
  if (args.values.has("interval")) {
    auto interval = cli::get_duration(args.values, "interval", 500ms);
    spec.node_args = {"--interval=" + std::to_string(interval.count()) + "ms"};
  }
  if (args.values.has("overlay")) { // refused before any process starts
    cli::overlay_protocol(args.values.get_string("overlay", ""));
    spec.node_args.push_back("--overlay=" + args.values.get_string("overlay", ""));
  }
  std::istringstream extra{args.values.get_string("node-args", "")};
  for (std::string a; extra >> a;)
    spec.node_args.push_back(a);
  return spec;
}

// HyParView's nodes keep partial views: joined once each has a peer.
bool partial_view(const cli::parsed& args) {
  return args.values.get_string("overlay", "full") == "hyparview";
}

int idle_run(const cli::parsed& args, size_t n, std::chrono::milliseconds duration) {
  process_cluster c{make_spec(n, args)};
  trial t;
  t.n = n;
  if (!start(c, t, partial_view(args))) {
    std::cerr << "gossip-bench: the cluster did not converge\n";
    return 1;
  }
  auto cpu0 = cluster_cpu_ms(c);
  auto t0 = process_cluster::now_ms();
  for (auto left = duration; left.count() > 0; left -= 10000ms) {
    c.pump(std::min(left, std::chrono::milliseconds(10000)));
    std::cerr << "\ridle " << (process_cluster::now_ms() - t0) / 1000 << " s of "
              << duration.count() / 1000 << " s" << std::flush;
  }
  auto secs = static_cast<double>(process_cluster::now_ms() - t0) / 1000.0;
  trial during_join;
  count_false(c, {}, during_join);
  count_false(c, {}, t, t0);
  std::cerr << "\n";
  auto cpu = (cluster_cpu_ms(c) - cpu0) / secs / static_cast<double>(n);
  std::cout << cli::json_line(
                   {{"idle_run", true},
                    {"n", n},
                    {"seconds", cli::significant(secs, 6)},
                    {"false_suspicions", t.false_suspicions},
                    {"false_downs", t.false_downs},
                    {"false_suspicions_incl_join", during_join.false_suspicions},
                    {"cpu_ms_per_node_per_s", cli::significant(cpu, 6)}})
            << std::endl;
  c.stop_all();
  return 0;
}

// --sizes with --per-process: 3 to 250 nodes one per process; with P per
// process up to 1000 nodes, in 2 to 250 processes (a failure kills one).
std::vector<size_t> read_sizes(const params& ps) {
  auto per_process = ps.get_uint("per-process", 1);
  if (per_process == 0 || per_process > 1000)
    throw std::invalid_argument("--per-process must be between 1 and 1000");
  uint64_t most = per_process == 1 ? 250 : 1000;
  std::vector<size_t> sizes;
  std::istringstream in{ps.get_string("sizes", "8,32,128")};
  for (std::string s; std::getline(in, s, ',');) {
    params p{{"sizes", s}};
    auto n = p.get_uint("sizes", 0);
    if (n < 3 || n > most)
      throw std::invalid_argument("--sizes: each size must be between 3 and " +
                                  std::to_string(most));
    auto processes = (n + per_process - 1) / per_process;
    if (processes < 2 || processes > 250)
      throw std::invalid_argument(
          "--sizes=" + s + " --per-process=" + std::to_string(per_process) + " makes " +
          std::to_string(processes) + " processes: from 2 to 250 (a failure kills one)");
    sizes.push_back(n);
  }
  return sizes;
}

} // namespace

int main(int argc, char** argv) {
  cli::parsed args;
  std::vector<size_t> sizes;
  uint64_t reps = 0;
  std::chrono::milliseconds cpuwin, settle;
  try {
    args = cli::parse(argc, argv, 1, options);
    if (args.help) {
      cli::print_help(std::cout, "usage: gossip-bench [options]", options);
      return 0;
    }
    sizes = read_sizes(args.values);
    reps = args.values.get_uint("reps", 3);
    cpuwin = cli::get_duration(args.values, "cpuwin", 5000ms);
    settle = cli::get_duration(args.values, "settle", 3000ms);
    make_spec(3, args);
    if (args.values.has("idle"))
      return idle_run(args, sizes.at(0), cli::get_duration(args.values, "idle", 60000ms));
    if (args.values.has("writes")) {
      auto puts = args.values.get_uint("writes", 100);
      if (puts < 4 || puts > 100000)
        throw std::invalid_argument("--writes must be between 4 and 100000");
      std::vector<std::string> protocols;
      std::istringstream lists{
          args.values.get_string("protocols", "push-pull,probabilistic/anti-entropy")};
      for (std::string p; std::getline(lists, p, '/');)
        protocols.push_back(p);
      return write_levels(sizes, protocols, puts, puts / 2,
                          args.values.get_string("plot", ""),
                          [&](size_t n) { return make_spec(n, args); });
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-bench: error: " << e.what() << "\n";
    return 2;
  }
  std::mt19937_64 rng{args.values.get_uint("seed", 1)};
  std::ofstream json_out;
  if (args.values.has("json"))
    json_out.open(args.values.get_string("json", ""), std::ios::app);
  std::map<size_t, std::vector<trial>> by_size;
  for (auto n : sizes) {
    for (uint64_t rep = 1; rep <= reps; ++rep) {
      std::cerr << "N=" << n << " rep " << rep << "/" << reps << ": join" << std::flush;
      process_cluster c{make_spec(n, args)};
      trial t;
      t.n = n;
      t.rep = static_cast<int>(rep);
      if (start(c, t, partial_view(args))) {
        std::cerr << " " << t.join_ms << " ms, settle" << std::flush;
        t.settle_ms = settle_down(c, settle);
        std::cerr << " " << t.settle_ms << " ms, cpu" << std::flush;
        measure_cpu(c, t, cpuwin);
        measure_links(c, t);
        std::uniform_int_distribution<size_t> pick{1, n - 1};
        auto origin = pick(rng);
        // In another process (the victim's dies with it), and one that a
        // node of yet another process counts live: under a partial view a
        // node may link only to nodes of its own process, and nobody would
        // be left to detect it.
        auto watched = watched_from_outside(c);
        auto fits = [&](size_t v, bool strict) {
          return c.process_of(v) != c.process_of(origin) &&
                 (!strict || watched.count(v) > 0);
        };
        auto victim = origin;
        for (int tries = 0; !fits(victim, tries < 500); ++tries)
          victim = pick(rng);
        std::cerr << ", broadcast" << std::flush;
        measure_broadcast(c, t, origin,
                          "bench-" + std::to_string(n) + "-" + std::to_string(rep));
        std::cerr << ", failure detection" << std::flush;
        measure_detection(c, t, victim);
      } else {
        std::cerr << " did not converge" << std::flush;
      }
      std::cerr << "\n";
      c.stop_all();
      std::cout << json(t) << std::endl;
      if (json_out)
        json_out << json(t) << std::endl;
      by_size[n].push_back(t);
    }
  }
  auto md = markdown(by_size);
  std::cout << "\n" << md;
  if (args.values.has("md"))
    std::ofstream{args.values.get_string("md", "")} << md;
  return 0;
}
