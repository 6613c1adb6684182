// gossip-cluster as a user runs it: it stops everything it started, also on
// Ctrl-C.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "process.hpp"

using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

// Reads the node PIDs that `gossip-cluster up --nodes=3` lists.
std::vector<pid_t> node_pids(child& launcher) {
  std::vector<std::string> lines;
  std::vector<pid_t> pids;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  // "  n1 127.0.0.1:PORT pid N" lines follow "3 nodes up".
  while (pids.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    wait_readable({launcher.out_fd()}, 100ms);
    if (!launcher.read_lines(lines))
      break;
    pids.clear();
    bool listed = false;
    for (auto& l : lines) {
      listed = listed || l.find("3 nodes up") != std::string::npos;
      auto p = l.find(" pid ");
      if (listed && l.rfind("  n", 0) == 0 && p != std::string::npos)
        pids.push_back(static_cast<pid_t>(std::stol(l.substr(p + 5))));
    }
  }
  return pids;
}

} // namespace

TEST(Launcher, CtrlCStopsEveryNodeItStarted) {
  child launcher{{std::string{GOSSIP_BIN_DIR} + "/gossip-cluster", "up", "--nodes=3"}};
  auto pids = node_pids(launcher);
  ASSERT_EQ(pids.size(), 3u) << "gossip-cluster did not list its nodes";
  for (auto pid : pids)
    EXPECT_TRUE(alive(pid));
  launcher.signal(SIGINT);
  auto status = launcher.stop(30s);
  EXPECT_TRUE(WIFEXITED(status)) << "gossip-cluster should exit on its own after Ctrl-C";
  for (auto pid : pids) {
    // Reaped by gossip-cluster, so the PID is gone (or, rarely, reused).
    EXPECT_FALSE(alive(pid)) << "node pid " << pid << " still runs";
  }
}

TEST(Launcher, AKilledLauncherLeavesNoOrphans) {
  child launcher{{std::string{GOSSIP_BIN_DIR} + "/gossip-cluster", "up", "--nodes=3"}};
  auto pids = node_pids(launcher);
  ASSERT_EQ(pids.size(), 3u) << "gossip-cluster did not list its nodes";
  launcher.kill(); // SIGKILL: no chance to clean up; the kernel tells the nodes
  // The nodes are not our children: they get reaped by init once they exit.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  auto any_alive = [&] {
    for (auto pid : pids)
      if (alive(pid))
        return true;
    return false;
  };
  while (any_alive() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(any_alive()) << "nodes outlived their launcher";
  for (auto pid : pids)
    if (alive(pid))
      ::kill(pid, SIGKILL); // never leave a process behind
}
