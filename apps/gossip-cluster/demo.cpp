// demo: the main job, watched live. Eight nodes join; a key written on one
// spreads to all (arrival time per node); a broadcast rumor does the same;
// one node is killed with SIGKILL and every other detects it; it restarts and
// rejoins with a higher incarnation; everything stops; a summary closes.
#include <signal.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "session.hpp"

namespace gossip::cluster_cmd {

namespace {

using proc::process_cluster;
using namespace std::chrono_literals;

struct results {
  int64_t join = -1, put_all = -1, rumor_all = -1, detect_first_suspect = -1,
          detect_all = -1, rejoin = -1;
  uint64_t incarnation_before = 0, incarnation_after = 0;
  size_t false_suspicions = 0;
};

bool everyone_sees_all(process_cluster& c) {
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i) && c.live_view(i).size() != c.size())
      return false;
  return true;
}

// Time of node i's first event matching `pred` (or -1).
template <class Pred> int64_t first_time(process_cluster& c, size_t i, Pred pred) {
  for (auto& ev : c.events(i))
    if (pred(ev))
      return ev.time_ms;
  return -1;
}

// Waits until every running node has an event matching `pred`, then prints
// the arrival times after t0, fastest first. Returns the last one, or -1.
template <class Pred, class Start>
int64_t arrivals(session& run, Start start, Pred pred, std::chrono::milliseconds timeout,
                 size_t skip = SIZE_MAX) {
  auto& c = run.cluster();
  auto all = [&] {
    for (size_t i = 0; i < c.size(); ++i)
      if (i != skip && c.running(i) && first_time(c, i, pred) < 0)
        return false;
    return true;
  };
  bool ok = run.wait(all, timeout);
  int64_t t0 = start(); // read after the wait: it may be an event itself
  std::vector<std::pair<int64_t, std::string>> times;
  for (size_t i = 0; i < c.size(); ++i)
    if (i != skip && c.running(i))
      if (auto t = first_time(c, i, pred); t >= 0)
        times.emplace_back(t - t0, c.name(i));
  std::sort(times.begin(), times.end());
  std::cout << "   ";
  for (auto& [t, name] : times)
    std::cout << " " << name << " +" << pretty_ms(std::max<int64_t>(t, 0));
  std::cout << "\n";
  return ok && !times.empty() ? std::max<int64_t>(times.back().first, 0) : -1;
}

void step(int n, const std::string& what) {
  std::cout << "\n[" << n << "/5] " << what << std::endl;
}

void print_summary(const results& r, const settings& s) {
  auto cell = [](int64_t ms) { return ms < 0 ? std::string{"failed"} : pretty_ms(ms); };
  std::cout << "\nSummary (" << s.nodes
            << (s.per_process > 1 ? " nodes in " + std::to_string(s.processes()) : "")
            << " processes, " << s.interval.count() << " ms rounds)\n"
            << "  | step | result |\n  |---|---|\n"
            << "  | all nodes see all members | " << cell(r.join) << " |\n"
            << "  | put reaches every node | " << cell(r.put_all) << " |\n"
            << "  | broadcast reaches every node | " << cell(r.rumor_all) << " |\n"
            << "  | first suspicion after SIGKILL | " << cell(r.detect_first_suspect)
            << " |\n"
            << "  | every survivor marks it down | " << cell(r.detect_all) << " |\n"
            << "  | restarted node seen alive by all | " << cell(r.rejoin)
            << " (incarnation " << r.incarnation_before << " -> " << r.incarnation_after
            << ") |\n"
            << "  | false suspicions of live nodes | " << r.false_suspicions << " |\n";
}

// n5 as ever (the last node of a smaller cluster), unless it shares n1's
// process: then the first node of the next process.
size_t pick_victim(const process_cluster& c) {
  size_t victim = c.size() > 4 ? 4 : c.size() - 1;
  if (c.process_of(victim) == 0 && c.processes() > 1)
    victim = c.first_node(1);
  return victim;
}

} // namespace

int demo(const settings& s) {
  session run{s};
  auto& c = run.cluster();
  results r;
  auto victim = pick_victim(c);
  auto victim_name = c.name(victim);
  // Killing the victim's process ends the nodes it shares it with too: they
  // are not falsely suspected, and no survivors.
  std::set<std::string> gone;
  for (auto j : c.siblings(victim))
    gone.insert(c.name(j));
  std::cout << "caf-gossip demo: " << s.nodes
            << (s.per_process > 1 ? " nodes in " + std::to_string(c.processes()) : "")
            << " gossip-node processes"
            << (run.namespaced() ? s.per_process > 1
                                       ? ", one network namespace per process"
                                       : ", one network namespace each"
                                 : " on 127.0.0.1")
            << (run.tls() ? ", TLS with a throwaway CA" : "") << ", "
            << s.interval.count() << " ms rounds, SWIM membership\n";
  // Live progress: membership changes as the nodes report them.
  bool verbose_members = true;
  c.on_listening = [&](size_t i) {
    std::cout << "  " << c.name(i) << " listening on " << c.address(i) << " (pid "
              << c.pid(i) << ")" << std::endl;
  };
  c.on_event = [&](size_t i, const event& ev) {
    if (ev.kind == event_kind::member_suspect || ev.kind == event_kind::member_down ||
        (verbose_members && ev.kind == event_kind::member_up && ev.peer == victim_name))
      std::cout << "    " << c.name(i) << ": " << to_string(ev.kind) << " " << ev.peer
                << std::endl;
    if (ev.kind == event_kind::member_suspect && gone.count(ev.peer) == 0)
      ++r.false_suspicions;
  };

  step(1, "starting " + std::to_string(s.nodes) + " nodes, joining through n1");
  verbose_members = false;
  auto t0 = process_cluster::now_ms();
  c.start_all();
  // Live: each node as it comes to see the whole cluster.
  std::vector<bool> complete(c.size(), false);
  auto report_joins = [&] {
    for (size_t i = 0; i < c.size(); ++i)
      if (!complete[i] && c.live_view(i).size() == c.size()) {
        complete[i] = true;
        std::cout << "    " << c.name(i) << " sees all " << c.size() << " members (+"
                  << pretty_ms(process_cluster::now_ms() - t0) << ")" << std::endl;
      }
    return everyone_sees_all(c);
  };
  if (run.wait(report_joins, 60s))
    r.join = process_cluster::now_ms() - t0;
  std::cout << "  every node sees all " << s.nodes << " members after "
            << (r.join < 0 ? "(timed out)" : pretty_ms(r.join)) << "\n";

  step(2, "n1 writes greeting=hello; when each node stored it:");
  c.ctl(0, {"put", "greeting", "hello"});
  auto is_put = [](const event& ev) {
    return ev.kind == event_kind::stored && ev.key == "greeting" && ev.value == "hello";
  };
  r.put_all = arrivals(
      run, [&] { return first_time(c, 0, is_put); }, is_put, 30s);
  std::cout << "  n1 broadcasts the rumor 'ping' (immediate forwarding); when each node "
               "got it:\n";
  c.ctl(0, {"broadcast", "ping"});
  auto is_rumor = [](const event& ev) {
    return ev.kind == event_kind::delivered && ev.key.empty() && ev.value == "ping";
  };
  r.rumor_all = arrivals(
      run, [&] { return first_time(c, 0, is_rumor); }, is_rumor, 30s);

  step(3, "SIGKILL " + victim_name + " (pid " + std::to_string(c.pid(victim)) +
              (gone.size() > 1 ? ", with the " + std::to_string(gone.size() - 1) +
                                     " nodes it hosts besides"
                               : std::string{}) +
              "); when each other node marked it down:");
  for (auto& ev : c.events(0))
    if (is_member_event(ev.kind) && ev.peer == victim_name)
      r.incarnation_before = std::max(r.incarnation_before, ev.incarnation);
  auto kill_t0 = process_cluster::now_ms();
  c.kill(victim);
  auto is_down = [&](const event& ev) {
    return ev.kind == event_kind::member_down && ev.peer == victim_name;
  };
  r.detect_all = arrivals(
      run, [=] { return kill_t0; }, is_down, 90s, victim);
  int64_t first_suspect = -1;
  for (size_t i = 0; i < c.size(); ++i) {
    for (auto& ev : c.events(i)) {
      if (ev.kind == event_kind::member_suspect && ev.peer == victim_name &&
          ev.time_ms >= kill_t0 && (first_suspect < 0 || ev.time_ms < first_suspect))
        first_suspect = ev.time_ms;
    }
  }
  r.detect_first_suspect = first_suspect < 0 ? -1 : first_suspect - kill_t0;

  step(4, "restarting " + victim_name + "; it rejoins with a higher incarnation");
  verbose_members = true;
  auto restart_t0 = process_cluster::now_ms();
  c.start(victim);
  auto is_up_again = [&](const event& ev) {
    return ev.kind == event_kind::member_up && ev.peer == victim_name &&
           ev.time_ms >= restart_t0;
  };
  r.rejoin = arrivals(
      run, [=] { return restart_t0; }, is_up_again, 60s, victim);
  for (auto& ev : c.events(0))
    if (is_up_again(ev))
      r.incarnation_after = ev.incarnation;

  step(5, "stopping every node (SIGTERM: graceful leave)");
  c.on_event = nullptr;
  c.on_listening = nullptr;
  c.stop_all();
  print_summary(r, s);
  bool ok = r.join >= 0 && r.put_all >= 0 && r.rumor_all >= 0 && r.detect_all >= 0 &&
            r.rejoin >= 0 && r.incarnation_after > r.incarnation_before;
  if (interrupted())
    std::cout << "interrupted\n";
  return ok && !interrupted() ? 0 : 1;
}

} // namespace gossip::cluster_cmd
