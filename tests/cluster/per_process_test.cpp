// Several nodes per process (gossip-node --nodes, gossip-cluster and
// gossip-bench --per-process), with real processes on 127.0.0.1 ended by PID.
// Waits are event-driven with generous upper bounds; no duration asserted.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gossip/registry.hpp"
#include "helpers.hpp"
#include "netns.hpp"

using namespace gossip::proc;
using namespace gossip::test;
using gossip::event_kind;
using namespace std::chrono_literals;

namespace {

cluster_spec spec_of(size_t n, size_t per_process) {
  auto s = spec(n);
  s.per_process = per_process;
  return s;
}

size_t lines_with(const std::string& text, const std::string& word) {
  std::istringstream in{text};
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    n += line.find(word) != std::string::npos ? 1 : 0;
  return n;
}

// A put on node `from` is read on node `to` (another process) within 30 s.
void expect_spreads(process_cluster& c, size_t from, size_t to) {
  ASSERT_EQ(c.ctl(from, {"put", "k", "v"}), 0);
  std::string got;
  EXPECT_TRUE(c.wait_until(
      [&] {
        got.clear();
        return c.ctl(to, {"get", "k"}, &got) == 0 && got == "v\n";
      },
      30s))
      << got;
}

} // namespace

TEST(PerProcess, TwoProcessesOfThreeFormOneClusterOfSix) {
  process_cluster c{spec_of(6, 3)};
  ASSERT_EQ(c.processes(), 2u);
  c.start_all();
  ASSERT_TRUE(c.wait_until([&] { return all_see(c, 6); }, 60s))
      << "6 nodes in 2 processes did not all see 6 alive members";
  EXPECT_EQ(c.pid(0), c.pid(2));
  EXPECT_NE(c.pid(0), c.pid(3));
  EXPECT_EQ(c.pid(3), c.pid(5));
  // Each node is its own member with its own port, as gossip-ctl sees it.
  std::set<std::string> addresses;
  for (size_t i = 0; i < c.size(); ++i) {
    addresses.insert(c.address(i));
    std::string out;
    ASSERT_EQ(c.ctl(i, {"members"}, &out), 0) << c.name(i);
    EXPECT_EQ(lines_with(out, " alive "), 6u) << c.name(i) << ":\n" << out;
  }
  EXPECT_EQ(addresses.size(), 6u);
  // A write to one node of the first process reaches the other process's.
  expect_spreads(c, 1, 5);
  c.stop_all();
}

TEST(PerProcess, KillingAProcessEndsAllItsNodes) {
  process_cluster c{spec_of(6, 3)};
  c.start_all();
  ASSERT_TRUE(c.wait_until([&] { return all_see(c, 6); }, 60s));
  c.kill(4); // n5's process: n4, n5 and n6
  for (size_t i = 3; i < 6; ++i)
    EXPECT_FALSE(c.running(i)) << c.name(i);
  auto all_down = [&] {
    for (size_t i = 0; i < 3; ++i)
      for (size_t j = 3; j < 6; ++j)
        if (c.last_member_event(i, c.name(j)) != event_kind::member_down)
          return false;
    return true;
  };
  EXPECT_TRUE(c.wait_until(all_down, 90s)) << "the survivors did not mark n4..n6 down";
  EXPECT_TRUE(all_see(c, 3));
  // Restarted as one process with the same ports, the three rejoin.
  c.start(3);
  EXPECT_TRUE(c.wait_until([&] { return all_see(c, 6); }, 60s));
  c.stop_all();
}

// gossip-cluster up lists "  nI ADDRESS pid P" for each node.
TEST(PerProcess, ClusterUpStartsExactlyTwoProcessesForSixNodes) {
  child up{
      {bin("gossip-cluster"), "up", "--nodes=6", "--per-process=3", "--interval=200ms"}};
  std::vector<std::string> lines;
  std::set<pid_t> pids;
  std::map<std::string, std::set<std::string>> ups; // node -> peers it saw up
  auto converged = [&] {
    for (int i = 1; i <= 6; ++i)
      if (ups["n" + std::to_string(i)].size() != 5)
        return false;
    return pids.size() == 2;
  };
  size_t listed = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!converged() && std::chrono::steady_clock::now() < deadline) {
    wait_readable({up.out_fd()}, 100ms);
    if (!up.read_lines(lines))
      break;
    for (; listed < lines.size(); ++listed) {
      auto& line = lines[listed];
      std::string node, what, peer;
      if (line.rfind("  n", 0) == 0) {
        std::istringstream words{line};
        std::string address, pid_word;
        pid_t pid = 0;
        words >> node >> address >> pid_word >> pid;
        pids.insert(pid);
      } else if (auto stamp = line.find("] ");
                 line[0] == '[' && stamp != std::string::npos) {
        std::istringstream words{
            line.substr(stamp + 2)}; // "[412 ms] n1 member_up n2 ..."
        if (words >> node >> what >> peer && what == "member_up")
          ups[node].insert(peer);
      }
    }
  }
  EXPECT_TRUE(converged()) << "pids: " << pids.size();
  EXPECT_EQ(pids.size(), 2u);
  up.signal(SIGINT);
  auto status = up.stop(30s);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  for (auto pid : pids)
    EXPECT_NE(::kill(pid, 0), 0) << "node process " << pid << " still runs";
}

TEST(PerProcess, BenchRowsCountLinksPerNodeAndConnectionsPerProcess) {
  scratch_dir tmp;
  auto r = run({bin("gossip-bench"), "--sizes=6", "--per-process=3", "--reps=1",
                "--interval=200ms", "--cpuwin=1s", "--settle=1s",
                "--json=" + (tmp / "b.json")},
               240s);
  ASSERT_EQ(r.code, 0) << r.err;
  auto row = nlohmann::json::parse(slurp(tmp / "b.json"), nullptr, false);
  ASSERT_TRUE(row.is_object()) << slurp(tmp / "b.json");
  for (auto field : {"n", "rep", "join_ms", "cpu_ms_per_node_per_s", "t100_ms",
                     "all_down_ms", "false_suspicions", "false_downs"})
    EXPECT_TRUE(row.contains(field)) << field;
  EXPECT_EQ(row["n"], 6);
  EXPECT_GT(row["all_down_ms"].get<double>(), 0);
  // Full membership: every node routes to the 5 others ...
  EXPECT_EQ(row["connections_per_node_max"], 5);
  // ... over the one connection between the two processes (a redundant one
  // may be closing; a gossip-ctl may be connected).
  auto tcp = row["tcp_connections_per_process"].get<int64_t>();
  EXPECT_GE(tcp, 1);
  EXPECT_LE(tcp, 3);
}

// Bad values: one line, exit 2, nothing started.
TEST(PerProcess, BadNodeCountsAreRefusedWithOneLine) {
  expect_refused({"--nodes=0"}, "--nodes must be between 1 and 1000");
  expect_refused({"--nodes=1001"}, "--nodes must be between 1 and 1000");
  expect_refused({"--nodes=3", "--name=a,b"}, "--name: give one name or 3");
  expect_refused({"--nodes=2", "--name=a,a"}, "every node needs a name of its own");
  expect_refused({"--nodes=3", "--port=65534"}, "ports past 65535");
  expect_refused({"--nodes=2", "--port=1,2,3"}, "--port: give one port or 2");
  expect_refused({"--nodes=2", "--metrics=127.0.0.1:0"}, "--metrics serves one node");
  expect_refused({"--nodes=2", "--data-dir=/tmp"}, "--data-dir keeps one node");
  expect_refused({"--overlay=ring"}, "invalid value 'ring' for --overlay");
}

// An overlay nobody knows is one line and exit 2, in gossip-node and before
// any process starts in the launchers.
TEST(PerProcess, AnUnknownOverlayIsRefusedBeforeAnythingStarts) {
  expect_refused({"--overlay=mesh"}, "invalid value 'mesh' for --overlay");
  for (auto argv : std::vector<std::vector<std::string>>{
           {bin("gossip-cluster"), "up", "--nodes=2", "--overlay=mesh"},
           {bin("gossip-bench"), "--sizes=3", "--overlay=mesh"}}) {
    auto r = run(argv, 30s);
    EXPECT_EQ(r.code, 2) << argv[0] << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << argv[0] << " started: " << r.out[0];
    EXPECT_NE(r.err.find("invalid value 'mesh' for --overlay"), std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(PerProcess, ExplicitNamesAreUsedEachOnItsOwnPort) {
  child node{{bin("gossip-node"), "--nodes=2", "--name=x1,x2", "--events=json"}};
  std::vector<std::string> lines;
  std::vector<nlohmann::json> listening;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (listening.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    wait_readable({node.out_fd()}, 100ms);
    if (!node.read_lines(lines))
      break;
    for (auto& line : lines)
      if (line.find("\"listening\"") != std::string::npos)
        listening.push_back(nlohmann::json::parse(line));
    lines.clear();
  }
  node.stop();
  ASSERT_EQ(listening.size(), 2u);
  auto& a = listening[0];
  auto& b = listening[1];
  EXPECT_EQ(a["node"], "x1");
  EXPECT_EQ(b["node"], "x2");
  EXPECT_EQ(a["pid"], b["pid"]);
  EXPECT_NE(a["address"], b["address"]);
}

// As root: a namespace per process, its nodes on consecutive ports of its
// address, TLS with one certificate per process.
TEST(PerProcess, ClusterUpNetnsGivesEachProcessANamespace) {
  if (!gossip::netns::available())
    GTEST_SKIP() << "needs root and iproute2";
  auto r = run({bin("gossip-cluster"), "up", "--netns", "--nodes=4", "--per-process=2",
                "--id=p" + std::to_string(::getpid() % 100000), "--interval=200ms",
                "--duration=6s"},
               90s);
  EXPECT_EQ(r.code, 0) << r.err;
  auto count = [&](const std::string& text) {
    return std::count_if(r.out.begin(), r.out.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    });
  };
  EXPECT_EQ(count("one network namespace per process, TLS with a throwaway CA"), 1);
  EXPECT_EQ(count("  n2 10.213.0.1:7947 pid"), 1);
  EXPECT_EQ(count("  n3 10.213.0.2:7946 pid"), 1);
  for (auto n : {"n1", "n2", "n3", "n4"})
    EXPECT_GE(count(std::string{"] "} + n + " member_up "), 3) << n;
}

// --overlay=hyparview runs protocol "hyparview" in SWIM's place, its seeds
// from --seeds: 2 processes of 3 nodes join through partial views and a
// write spreads over them.
TEST(PerProcess, HyparviewOverlayJoinsThroughItsSeeds) {
  auto s = spec_of(6, 3);
  s.node_args.push_back("--overlay=hyparview");
  process_cluster c{s};
  c.start_all();
  auto each_has_a_peer = [&] {
    for (size_t i = 0; i < c.size(); ++i)
      if (c.live_view(i).size() < 2)
        return false;
    return true;
  };
  ASSERT_TRUE(c.wait_until(each_has_a_peer, 60s)) << "a node has no peer";
  expect_spreads(c, 0, 5);
  c.stop_all();
}
