// abuse-measure: what hostile bytes cost a gossip-node (memory, stall,
// closed connections, CPU), how long a restarted node takes to join past
// unreachable seeds, and what each protocol-level attack comes to
// (protocol_measure.cpp); for before/after numbers, not a test
// (abuse_test.cpp and protocol_abuse_test.cpp assert the bounds). 127.0.0.1
// only.
//
//   abuse-measure --bin-dir=DIR [--probe=CTL] [--as-limit-mib=6144]
//                 [--only=transport|protocol]
//
// DIR holds the gossip-node to measure; CTL (default DIR/gossip-ctl) is the
// client whose `members` round trip, started right after an attack, gives
// the stall. Every node runs under an address-space limit (ulimit -v) so that
// an unguarded node cannot take the machine's memory: it fails instead.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gossip/address.hpp"
#include "gossip/event.hpp"
#include "hostile.hpp"
#include "process.hpp"
#include "protocol_measure.hpp"

using namespace std::chrono;
using namespace std::chrono_literals;
using gossip::event_kind;
using gossip::proc::child;
namespace hostile = gossip::hostile;

namespace {

std::string bin_dir, probe_ctl;
long as_limit_mib = 6144;

struct node {
  std::unique_ptr<child> proc;
  std::string address;
  uint16_t port = 0;
  std::vector<gossip::event> events;

  pid_t pid() const { return proc->pid(); }

  void read() {
    std::vector<std::string> lines;
    proc->read_lines(lines);
    for (auto& line : lines) {
      if (auto ev = gossip::event_from_json(line)) {
        events.push_back(*ev);
      } else if (auto at = line.find("\"address\":\""); at != std::string::npos) {
        auto start = at + 11;
        address = line.substr(start, line.find('"', start) - start);
        port = gossip::parse_host_port(address)->port;
      }
    }
  }

  size_t count(event_kind k, const std::string& peer) {
    read();
    size_t n = 0;
    for (auto& ev : events)
      n += ev.kind == k && ev.peer == peer ? 1 : 0;
    return n;
  }
};

// gossip-node under `ulimit -v` (and `ulimit -n` if given), waited for
// until it listens.
node start(const std::string& name, const std::vector<std::string>& args,
           long nofile = 0) {
  std::string cmd = "ulimit -v " + std::to_string(as_limit_mib * 1024);
  if (nofile > 0)
    cmd += " && ulimit -n " + std::to_string(nofile);
  cmd += " && exec " + bin_dir + "/gossip-node --name=" + name +
         " --events=json --interval=200ms";
  for (auto& a : args)
    cmd += " " + a;
  node n;
  n.proc = std::make_unique<child>(std::vector<std::string>{"/bin/sh", "-c", cmd},
                                   "/tmp/abuse-measure-" + name + ".log");
  auto deadline = steady_clock::now() + 20s;
  while (n.address.empty() && steady_clock::now() < deadline && n.proc->running()) {
    gossip::proc::wait_readable({n.proc->out_fd()}, 50ms);
    n.read();
  }
  if (n.address.empty())
    throw std::runtime_error(name + " did not start");
  return n;
}

double mib(long kib) {
  return kib / 1024.0;
}

// Milliseconds a fresh client's `members` takes (-1: failed, -2: no answer
// within 60 s).
long probe(const node& n) {
  auto t0 = steady_clock::now();
  child c{{probe_ctl, "--node=" + n.address, "--timeout=60s", "members"}};
  std::vector<std::string> lines;
  while (c.read_lines(lines)) {
    if (steady_clock::now() - t0 > 60s) {
      c.kill();
      return -2;
    }
    gossip::proc::wait_readable({c.out_fd()}, 50ms);
  }
  int status = c.stop(10s);
  auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

std::string stall_text(long ms) {
  return ms == -1   ? "failed"
         : ms == -2 ? "no answer in 60 s"
                    : std::to_string(ms) + " ms";
}

// The most resident memory a process had while it ran: VmRSS every 5 ms
// (VmHWM is gone with a process that died).
class peak_sampler {
public:
  explicit peak_sampler(pid_t pid)
      : thread_([this, pid] {
          while (!stop_) {
            auto kib = hostile::status_kib(pid, "VmRSS");
            if (kib > max_)
              max_ = kib;
            std::this_thread::sleep_for(5ms);
          }
        }) {}
  ~peak_sampler() { finish(); }
  long finish() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
    return max_;
  }

private:
  std::atomic<bool> stop_{false};
  std::atomic<long> max_{0};
  std::thread thread_;
};

double cpu_seconds(pid_t pid) {
  std::ifstream f{"/proc/" + std::to_string(pid) + "/stat"};
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream in{all.substr(close + 2)};
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14)
      utime = std::stoul(field);
    if (i == 15)
      stime = std::stoul(field);
  }
  return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

struct row {
  std::string name;
  double rss_before = 0, peak = 0, rss_after = 0;
  long stall_ms = 0;
  size_t closed = 0, total = 0;
  size_t suspicions = 0;
  bool alive = true;
  std::string note;
};

void print(const row& r) {
  auto after = r.alive ? std::to_string(std::lround(r.rss_after)) : std::string{"-"};
  std::printf("| %s | %.0f → %.0f → %s | %s | %zu/%zu | %zu | %s%s |\n", r.name.c_str(),
              r.rss_before, r.peak, after.c_str(), stall_text(r.stall_ms).c_str(),
              r.closed, r.total, r.suspicions, r.alive ? "alive" : "**died**",
              r.note.empty() ? "" : ("; " + r.note).c_str());
  std::fflush(stdout);
}

// Starts a victim and a peer, runs `attack` (returns the hostile sockets),
// probes, waits up to `close_limit` for the sockets to be closed.
row scenario(const std::string& name,
             const std::function<std::vector<int>(uint16_t)>& attack,
             milliseconds close_limit, long nofile = 0) {
  auto victim = start("victim", {}, nofile);
  auto peer = start("peer", {"--seeds=" + victim.address});
  auto deadline = steady_clock::now() + 30s;
  while (victim.count(event_kind::member_up, "peer") == 0 &&
         steady_clock::now() < deadline)
    gossip::proc::wait_readable({victim.proc->out_fd()}, 50ms);
  std::this_thread::sleep_for(1s);
  row r;
  r.name = name;
  r.rss_before = mib(hostile::status_kib(victim.pid(), "VmRSS"));
  peak_sampler sampler{victim.pid()};
  auto fds = attack(victim.port);
  r.total = fds.size();
  r.stall_ms = probe(victim);
  r.closed = hostile::wait_all_closed(fds, close_limit);
  r.alive = victim.proc->running();
  r.peak = mib(std::max(sampler.finish(), hostile::status_kib(victim.pid(), "VmHWM")));
  for (int fd : fds)
    ::close(fd);
  std::this_thread::sleep_for(2s);
  r.rss_after = mib(hostile::status_kib(victim.pid(), "VmRSS"));
  r.alive = r.alive && victim.proc->running();
  r.suspicions = peer.count(event_kind::member_suspect, "victim") +
                 peer.count(event_kind::member_down, "victim");
  peer.proc->stop();
  victim.proc->stop();
  return r;
}

std::vector<int> connect_n(uint16_t port, int n, const void* data = nullptr,
                           size_t size = 0) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = hostile::connect_loopback(port);
    if (fd < 0)
      break;
    if (size > 0)
      hostile::send_all(fd, data, size);
    fds.push_back(fd);
  }
  return fds;
}

void fd_limit_scenario() {
  // 300 idle sockets against a node limited to 256 file descriptors.
  auto victim = start("victim", {}, 256);
  std::this_thread::sleep_for(1s);
  auto fds = connect_n(victim.port, 300);
  std::this_thread::sleep_for(500ms);
  auto c0 = cpu_seconds(victim.pid());
  std::this_thread::sleep_for(3s);
  auto cpu = (cpu_seconds(victim.pid()) - c0) / 3.0;
  auto stall = probe(victim);
  auto closed = hostile::wait_all_closed(fds, 10s);
  std::printf(
      "| 300 idle sockets, ulimit -n 256 | CPU %.2f s/s while open | %s | %zu/300 "
      "| - | %s |\n",
      cpu, stall_text(stall).c_str(), closed,
      victim.proc->running() ? "alive" : "**died**");
  std::fflush(stdout);
  for (int fd : fds)
    ::close(fd);
  victim.proc->stop();
}

void join_scenario() {
  // A restarted node whose seeds are a blackholed port, a closed one and a
  // stopped node, then a reachable one: when does it see the reachable one?
  auto a = start("a", {});
  auto stopped = start("stopped", {});
  ::kill(stopped.pid(), SIGSTOP);
  hostile::blackhole hole;
  auto seeds = "--seeds=127.0.0.1:" + std::to_string(hole.port()) +
               ",127.0.0.1:" + std::to_string(hostile::closed_port()) + "," +
               stopped.address + "," + a.address;
  auto t0 = steady_clock::now();
  auto b = start("b", {seeds});
  long joined = -1;
  while (steady_clock::now() - t0 < 60s) {
    if (b.count(event_kind::member_up, "a") > 0) {
      joined = duration_cast<milliseconds>(steady_clock::now() - t0).count();
      break;
    }
    gossip::proc::wait_readable({b.proc->out_fd()}, 50ms);
  }
  std::printf(
      "| restart with seeds blackhole, closed port, stopped node, reachable | %s |\n",
      joined < 0 ? "not joined after 60 s"
                 : ("joined after " + std::to_string(joined) + " ms").c_str());
  std::fflush(stdout);
  ::kill(stopped.pid(), SIGCONT);
  b.proc->stop();
  stopped.proc->stop();
  a.proc->stop();
}

void transport_attacks();

} // namespace

int main(int argc, char** argv) {
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--bin-dir=", 0) == 0)
      bin_dir = a.substr(10);
    else if (a.rfind("--probe=", 0) == 0)
      probe_ctl = a.substr(8);
    else if (a.rfind("--as-limit-mib=", 0) == 0)
      as_limit_mib = std::stol(a.substr(15));
    else if (a == "--only=transport" || a == "--only=protocol")
      only = a.substr(7);
    else {
      std::cerr << "usage: abuse-measure --bin-dir=DIR [--probe=CTL] [--as-limit-mib=N] "
                   "[--only=transport|protocol]\n";
      return 2;
    }
  }
  if (bin_dir.empty()) {
    std::cerr << "abuse-measure: --bin-dir=DIR is required\n";
    return 2;
  }
  if (probe_ctl.empty())
    probe_ctl = bin_dir + "/gossip-ctl";
  std::printf("gossip-node from %s, address space limited to %ld MiB\n\n",
              bin_dir.c_str(), as_limit_mib);
  if (only != "protocol")
    transport_attacks();
  if (only != "transport")
    gossip::measure::protocol_attacks(bin_dir);
}

namespace {

void transport_attacks() {
  std::printf("| hostile input | RSS MiB before → peak → after | stall (fresh client's "
              "round trip) | closed by the node | peer's suspicions | node |\n"
              "|---|---|---|---|---|---|\n");
  auto huge = hostile::basp_header(1, 0xFFFFFFFFu);
  print(scenario(
      "one 32-byte header announcing 4 GiB",
      [&](uint16_t port) { return connect_n(port, 1, huge.data(), huge.size()); }, 30s));
  print(scenario(
      "600 random 32-byte headers",
      [](uint16_t port) {
        std::mt19937_64 rng{2024};
        std::vector<int> fds;
        for (int i = 0; i < 600; ++i) {
          auto h = hostile::random_header(rng);
          auto more = connect_n(port, 1, h.data(), h.size());
          fds.insert(fds.end(), more.begin(), more.end());
        }
        return fds;
      },
      30s));
  print(scenario(
      "an idle socket and a 10-byte partial header",
      [&](uint16_t port) {
        auto fds = connect_n(port, 1);
        auto more = connect_n(port, 1, huge.data(), 10);
        fds.insert(fds.end(), more.begin(), more.end());
        return fds;
      },
      30s));
  print(scenario(
      "300 idle sockets", [](uint16_t port) { return connect_n(port, 300); }, 30s));
  fd_limit_scenario();
  std::printf("\n| join | result |\n|---|---|\n");
  join_scenario();
}

} // namespace
