// What gossip-bench measures, read from the nodes' event streams and from
// /proc: join convergence, settling, idle CPU, broadcast dissemination and
// failure detection.
#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>

#include "bench.hpp"

namespace gossip::bench {

namespace {

using proc::process_cluster;
using namespace std::chrono_literals;

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

// Joined: every node counts all N members (full membership), or, with a
// partial view, at least one peer besides itself.
bool joined(process_cluster& c, bool partial) {
  for (size_t i = 0; i < c.size(); ++i) {
    auto view = c.live_view(i).size();
    if (c.running(i) && (partial ? view < 2 : view != c.size()))
      return false;
  }
  return true;
}

} // namespace

double percentile(std::vector<double> xs, double p) {
  if (xs.empty())
    return -1;
  std::sort(xs.begin(), xs.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(xs.size())));
  return xs[std::max<size_t>(rank, 1) - 1];
}

double median(std::vector<double> xs) {
  return percentile(std::move(xs), 50);
}

double cluster_cpu_ms(process_cluster& c) {
  double sum = 0;
  for (size_t p = 0; p < c.processes(); ++p)
    if (c.running(c.first_node(p)))
      sum += cpu_ms(c.pid(c.first_node(p)));
  return sum;
}

void count_false(process_cluster& c, const std::set<std::string>& gone, trial& t,
                 int64_t since_ms) {
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& ev : c.events(i)) {
      if (ev.time_ms < since_ms ||
          (ev.kind == event_kind::member_suspect && ev.reporter != c.name(i)))
        continue;
      auto live = gone.count(ev.peer) == 0;
      t.false_suspicions += ev.kind == event_kind::member_suspect && live ? 1 : 0;
      t.false_downs += ev.kind == event_kind::member_down && live ? 1 : 0;
      // Why: silence, a lost link, a refutation missed (worth reading, rare).
      if (ev.kind == event_kind::member_down && live)
        std::cerr << "gossip-bench: false down: " << c.name(i) << " marked " << ev.peer
                  << " down: " << ev.detail << "\n";
    }
}

bool start(process_cluster& c, trial& t, bool partial) {
  c.start(0);
  auto t0 = process_cluster::now_ms();
  for (size_t p = 1; p < c.processes(); ++p)
    c.launch(c.first_node(p), 0);
  int64_t last_listen = t0;
  for (size_t p = 1; p < c.processes(); ++p) {
    if (!c.wait_listening(c.first_node(p), 60s))
      return false;
    last_listen = std::max(last_listen, process_cluster::now_ms());
  }
  if (!c.wait_until([&] { return joined(c, partial); }, 120s))
    return false;
  auto done = process_cluster::now_ms();
  t.join_ms = static_cast<double>(done - t0);
  t.join_from_last_listen_ms = static_cast<double>(done - last_listen);
  // When each node first saw all N: the time of its last member_up.
  std::vector<double> per_node;
  for (size_t i = 0; i < c.size(); ++i) {
    int64_t last = t0;
    for (auto& ev : c.events(i))
      if (ev.kind == event_kind::member_up)
        last = std::max(last, ev.time_ms);
    per_node.push_back(static_cast<double>(last - t0));
  }
  t.join_median_ms = median(per_node);
  return true;
}

// After a join the membership updates are still being gossiped (each is sent
// a limited number of times). Like the memberlist harness, wait until the
// load has drained: at least `min`, then until one second's CPU is within 15%
// of the previous second's (at most 30 s).
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
  auto is_it = [&](const event& ev) {
    return ev.kind == event_kind::delivered && ev.key.empty() && ev.value == text;
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

std::set<size_t> watched_from_outside(process_cluster& c) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < c.size(); ++i)
    index[c.name(i)] = i;
  std::set<size_t> result;
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& peer : c.live_view(i))
      if (auto j = index.find(peer);
          j != index.end() && c.process_of(j->second) != c.process_of(i))
        result.insert(j->second);
  return result;
}

void measure_detection(process_cluster& c, trial& t, size_t victim) {
  auto name = c.name(victim);
  std::set<std::string> gone;
  for (auto j : c.siblings(victim))
    gone.insert(c.name(j));
  // Who is to detect it: the other processes' nodes that count it live (all
  // of them with full membership; with a partial view its neighbours).
  std::vector<bool> watcher(c.size());
  for (size_t i = 0; i < c.size(); ++i)
    watcher[i] = gone.count(c.name(i)) == 0 && c.live_view(i).count(name) > 0;
  auto t0 = process_cluster::now_ms();
  c.kill(victim);
  auto down_at = [&](size_t i) -> int64_t {
    for (auto& ev : c.events(i))
      if (ev.kind == event_kind::member_down && ev.peer == name)
        return ev.time_ms;
    return -1;
  };
  c.wait_until(
      [&] {
        for (size_t i = 0; i < c.size(); ++i)
          if (watcher[i] && c.running(i) && down_at(i) < 0)
            return false;
        return true;
      },
      120s);
  std::vector<double> downs;
  int64_t first_suspect = -1;
  for (size_t i = 0; i < c.size(); ++i) {
    if (!watcher[i] || !c.running(i))
      continue;
    downs.push_back(down_at(i) < 0 ? 1e12 : static_cast<double>(down_at(i) - t0));
    for (auto& ev : c.events(i))
      if (ev.kind == event_kind::member_suspect && ev.peer == name && ev.time_ms >= t0 &&
          (first_suspect < 0 || ev.time_ms < first_suspect))
        first_suspect = ev.time_ms;
  }
  auto fix = [](double x) { return x >= 1e12 ? -1.0 : x; };
  t.first_suspect = first_suspect < 0 ? -1 : static_cast<double>(first_suspect - t0);
  t.first_down = fix(percentile(downs, 0.0001));
  t.median_down = fix(median(downs));
  t.all_down = fix(percentile(downs, 100));
  count_false(c, gone, t);
}

} // namespace gossip::bench
