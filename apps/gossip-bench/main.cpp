// gossip-bench: measures a cluster of gossip-node processes the way the
// memberlist anchor (shared/anchors/memberlist) measures memberlist: join
// convergence, broadcast dissemination (t50/t90/t99/t100), failure detection
// and idle CPU per node, for several cluster sizes; optionally a long idle
// run counting false suspicions. Progress on stderr, a Markdown table and
// one JSON object per trial on stdout (or --json / --md files).
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "cli.hpp"
#include "process_cluster.hpp"

namespace {

using namespace gossip;
using proc::node_event;
using proc::process_cluster;
using namespace std::chrono_literals;

const std::vector<cli::option> options{
    {"sizes", "N,N,...", "cluster sizes (default 8,32,128)"},
    {"reps", "R", "repetitions per size (default 3)"},
    {"interval", "DURATION",
     "round length of every node (default: gossip-node's, 500ms)"},
    {"node-args", "ARGS", "extra gossip-node options, space-separated"},
    {"cpuwin", "DURATION", "idle-CPU window (default 5s)"},
    {"settle", "DURATION",
     "least wait after the join, then until the load is steady (default 3s)"},
    {"idle", "DURATION",
     "instead: one idle run of the first size, counting false suspicions"},
    {"seed", "N", "picks origins and victims (default 1)"},
    {"json", "FILE", "append one JSON object per trial to FILE"},
    {"md", "FILE", "write the Markdown tables to FILE"},
};

struct trial {
  size_t n = 0;
  int rep = 0;
  double join_ms = -1, join_from_last_listen_ms = -1, join_median_ms = -1, settle_ms = -1;
  double cpu_ms_per_node_s = -1, cpu_pct = -1;
  double t50 = -1, t90 = -1, t99 = -1, t100 = -1;
  double first_suspect = -1, first_down = -1, median_down = -1, all_down = -1;
  size_t false_suspicions = 0, false_downs = 0;
};

double percentile(std::vector<double> xs, double p) {
  if (xs.empty())
    return -1;
  std::sort(xs.begin(), xs.end());
  // Nearest rank, as the memberlist harness reports.
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(xs.size())));
  return xs[std::max<size_t>(rank, 1) - 1];
}

double median(std::vector<double> xs) {
  return percentile(std::move(xs), 50);
}

// CPU time of all threads of a process in ms (schedstat: nanoseconds, far
// finer than the 10 ms ticks of /proc/PID/stat).
double cpu_ms(pid_t pid) {
  auto dir = "/proc/" + std::to_string(pid) + "/task";
  double ns = 0;
  if (auto d = ::opendir(dir.c_str())) {
    while (auto e = ::readdir(d)) {
      if (e->d_name[0] == '.')
        continue;
      std::ifstream in{dir + "/" + e->d_name + "/schedstat"};
      double on_cpu = 0;
      if (in >> on_cpu)
        ns += on_cpu;
    }
    ::closedir(d);
  }
  return ns / 1e6;
}

double cluster_cpu_ms(process_cluster& c) {
  double sum = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i))
      sum += cpu_ms(c.pid(i));
  return sum;
}

// Suspicions a node raised itself (not ones it heard of) and deaths it
// declared, about live nodes, at or after since_ms.
void count_false(process_cluster& c, const std::string& victim, trial& t,
                 int64_t since_ms = 0) {
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& ev : c.events(i)) {
      if (ev.time_ms < since_ms ||
          (ev.kind == "member_suspect" &&
           ev.detail.find("suspected by " + c.name(i)) == std::string::npos))
        continue;
      t.false_suspicions += ev.kind == "member_suspect" && ev.peer != victim ? 1 : 0;
      t.false_downs += ev.kind == "member_down" && ev.peer != victim ? 1 : 0;
    }
}

bool everyone_sees(process_cluster& c, size_t n) {
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i) && c.live_view(i).size() != n)
      return false;
  return true;
}

proc::cluster_spec make_spec(size_t n, const cli::parsed& args) {
  proc::cluster_spec spec;
  spec.nodes = n;
  spec.bin_dir = proc::self_dir();
  if (args.values.has("interval")) {
    auto interval = cli::get_duration(args.values, "interval", 500ms);
    spec.node_args = {"--interval=" + std::to_string(interval.count()) + "ms"};
  }
  std::istringstream extra{args.values.get_string("node-args", "")};
  for (std::string a; extra >> a;)
    spec.node_args.push_back(a);
  return spec;
}

// Starts node 0, then all others at once; returns false if they did not start.
bool start(process_cluster& c, trial& t) {
  c.start(0);
  auto t0 = process_cluster::now_ms();
  for (size_t i = 1; i < c.size(); ++i)
    c.launch(i, 0);
  int64_t last_listen = t0;
  for (size_t i = 1; i < c.size(); ++i) {
    if (!c.wait_listening(i, 60s))
      return false;
    for (auto& ev : c.events(i))
      if (ev.kind == "listening")
        last_listen = std::max(last_listen, process_cluster::now_ms());
  }
  if (!c.wait_until([&] { return everyone_sees(c, c.size()); }, 120s))
    return false;
  auto done = process_cluster::now_ms();
  t.join_ms = static_cast<double>(done - t0);
  t.join_from_last_listen_ms = static_cast<double>(done - last_listen);
  // When each node first saw all N: the time of its last member_up.
  std::vector<double> per_node;
  for (size_t i = 0; i < c.size(); ++i) {
    int64_t last = t0;
    for (auto& ev : c.events(i))
      if (ev.kind == "member_up")
        last = std::max(last, ev.time_ms);
    per_node.push_back(static_cast<double>(last - t0));
  }
  t.join_median_ms = median(per_node);
  return true;
}

// After a join the membership updates are still being gossiped (each is sent
// a limited number of times). Like the memberlist harness, wait until the
// load has drained: at least `min`, then until one second's CPU is within 15%
// of the previous second's (at most 30 s). Returns how long it took.
double settle_down(process_cluster& c, std::chrono::milliseconds min) {
  auto t0 = process_cluster::now_ms();
  c.pump(min);
  double last = -1;
  for (int i = 0; i < 30; ++i) {
    auto before = cluster_cpu_ms(c);
    c.pump(1000ms);
    auto used = cluster_cpu_ms(c) - before;
    if (last >= 0 && used <= last * 1.15)
      break;
    last = used;
  }
  return static_cast<double>(process_cluster::now_ms() - t0);
}

void measure_cpu(process_cluster& c, trial& t, std::chrono::milliseconds win) {
  auto before = cluster_cpu_ms(c);
  auto t0 = process_cluster::now_ms();
  c.pump(win);
  auto used = cluster_cpu_ms(c) - before;
  auto secs = static_cast<double>(process_cluster::now_ms() - t0) / 1000.0;
  t.cpu_ms_per_node_s = used / secs / static_cast<double>(c.size());
  t.cpu_pct = used / secs / 10.0;
}

void measure_broadcast(process_cluster& c, trial& t, size_t origin,
                       const std::string& text) {
  c.ctl(origin, {"broadcast", text});
  auto is_it = [&](const node_event& ev) {
    return ev.kind == "delivered" && ev.key.empty() && ev.value == text;
  };
  auto first = [&](size_t i) -> int64_t {
    for (auto& ev : c.events(i))
      if (is_it(ev))
        return ev.time_ms;
    return -1;
  };
  c.wait_until(
      [&] {
        for (size_t i = 0; i < c.size(); ++i)
          if (first(i) < 0)
            return false;
        return true;
      },
      30s);
  auto t0 = first(origin);
  std::vector<double> times;
  for (size_t i = 0; i < c.size(); ++i)
    if (i != origin)
      times.push_back(first(i) < 0 ? 1e12 : static_cast<double>(first(i) - t0));
  auto fix = [](double x) { return x >= 1e12 ? -1.0 : x; };
  t.t50 = fix(percentile(times, 50));
  t.t90 = fix(percentile(times, 90));
  t.t99 = fix(percentile(times, 99));
  t.t100 = fix(percentile(times, 100));
}

void measure_detection(process_cluster& c, trial& t, size_t victim) {
  auto name = c.name(victim);
  auto t0 = process_cluster::now_ms();
  c.kill(victim);
  auto down_at = [&](size_t i) -> int64_t {
    for (auto& ev : c.events(i))
      if (ev.kind == "member_down" && ev.peer == name)
        return ev.time_ms;
    return -1;
  };
  c.wait_until(
      [&] {
        for (size_t i = 0; i < c.size(); ++i)
          if (i != victim && down_at(i) < 0)
            return false;
        return true;
      },
      120s);
  std::vector<double> downs;
  int64_t first_suspect = -1;
  for (size_t i = 0; i < c.size(); ++i) {
    if (i == victim)
      continue;
    downs.push_back(down_at(i) < 0 ? 1e12 : static_cast<double>(down_at(i) - t0));
    for (auto& ev : c.events(i))
      if (ev.kind == "member_suspect" && ev.peer == name && ev.time_ms >= t0 &&
          (first_suspect < 0 || ev.time_ms < first_suspect))
        first_suspect = ev.time_ms;
  }
  auto fix = [](double x) { return x >= 1e12 ? -1.0 : x; };
  t.first_suspect = first_suspect < 0 ? -1 : static_cast<double>(first_suspect - t0);
  t.first_down = fix(percentile(downs, 0.0001));
  t.median_down = fix(median(downs));
  t.all_down = fix(percentile(downs, 100));
  count_false(c, name, t);
}

std::string json(const trial& t) {
  std::ostringstream o;
  o << "{\"n\":" << t.n << ",\"rep\":" << t.rep << ",\"join_ms\":" << t.join_ms
    << ",\"join_from_last_listen_ms\":" << t.join_from_last_listen_ms
    << ",\"join_median_node_ms\":" << t.join_median_ms << ",\"settle_ms\":" << t.settle_ms
    << ",\"cpu_ms_per_node_per_s\":" << t.cpu_ms_per_node_s
    << ",\"cpu_pct\":" << t.cpu_pct << ",\"t50_ms\":" << t.t50 << ",\"t90_ms\":" << t.t90
    << ",\"t99_ms\":" << t.t99 << ",\"t100_ms\":" << t.t100
    << ",\"first_suspect_ms\":" << t.first_suspect
    << ",\"first_down_ms\":" << t.first_down << ",\"median_down_ms\":" << t.median_down
    << ",\"all_down_ms\":" << t.all_down << ",\"false_suspicions\":" << t.false_suspicions
    << ",\"false_downs\":" << t.false_downs << "}";
  return o.str();
}

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

int idle_run(const cli::parsed& args, size_t n, std::chrono::milliseconds duration) {
  process_cluster c{make_spec(n, args)};
  trial t;
  t.n = n;
  if (!start(c, t)) {
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
  count_false(c, "", during_join);
  count_false(c, "", t, t0);
  std::cerr << "\n";
  std::cout << "{\"idle_run\":true,\"n\":" << n << ",\"seconds\":" << secs
            << ",\"false_suspicions\":" << t.false_suspicions
            << ",\"false_downs\":" << t.false_downs
            << ",\"false_suspicions_incl_join\":" << during_join.false_suspicions
            << ",\"cpu_ms_per_node_per_s\":"
            << (cluster_cpu_ms(c) - cpu0) / secs / static_cast<double>(n) << "}"
            << std::endl;
  c.stop_all();
  return 0;
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
    std::istringstream in{args.values.get_string("sizes", "8,32,128")};
    for (std::string s; std::getline(in, s, ',');) {
      params p{{"sizes", s}};
      auto n = p.get_uint("sizes", 0);
      if (n < 3 || n > 250)
        throw std::invalid_argument("--sizes: each size must be between 3 and 250");
      sizes.push_back(n);
    }
    reps = args.values.get_uint("reps", 3);
    cpuwin = cli::get_duration(args.values, "cpuwin", 5000ms);
    settle = cli::get_duration(args.values, "settle", 3000ms);
    make_spec(3, args);
    if (args.values.has("idle"))
      return idle_run(args, sizes.at(0), cli::get_duration(args.values, "idle", 60000ms));
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
      if (start(c, t)) {
        std::cerr << " " << t.join_ms << " ms, settle" << std::flush;
        t.settle_ms = settle_down(c, settle);
        std::cerr << " " << t.settle_ms << " ms, cpu" << std::flush;
        measure_cpu(c, t, cpuwin);
        std::uniform_int_distribution<size_t> pick{1, n - 1};
        auto origin = pick(rng);
        auto victim = origin;
        while (victim == origin)
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
