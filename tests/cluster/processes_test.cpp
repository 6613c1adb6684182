// Real gossip-node processes on 127.0.0.1, started and ended by PID. Waits are
// event-driven (JSON event streams) with generous upper bounds; nothing here
// asserts a duration.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <thread>

#include "helpers.hpp"

using namespace gossip::proc;
using namespace gossip::test;
using gossip::event_kind;
using namespace std::chrono_literals;

namespace {

// Every running node but `victim` last reported `kind` about it.
bool all_report(process_cluster& c, size_t victim, event_kind kind) {
  for (size_t i = 0; i < c.size(); ++i)
    if (i != victim && c.running(i) && c.last_member_event(i, c.name(victim)) != kind)
      return false;
  return true;
}

class Processes : public ::testing::Test {
protected:
  void SetUp() override {
    cluster.start_all();
    ASSERT_TRUE(cluster.wait_until([&] { return all_see(cluster, 8); }, 60s))
        << "8 nodes did not all see 8 alive members";
  }
  process_cluster cluster{spec(8)};
};

} // namespace

TEST_F(Processes, EightJoinAndAllSeeEightAlive) {
  std::string out;
  ASSERT_EQ(cluster.ctl(7, {"members"}, &out), 0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 8);
  EXPECT_EQ(out.find("suspect"), std::string::npos);
  EXPECT_EQ(out.find("dead"), std::string::npos);
}

TEST_F(Processes, PutOnOneNodeReachesAll) {
  ASSERT_EQ(cluster.ctl(0, {"put", "color", "blue"}), 0);
  auto stored_everywhere = [&] {
    for (size_t i = 0; i < cluster.size(); ++i) {
      bool found = false;
      for (auto& ev : cluster.events(i))
        found = found || (ev.kind == event_kind::stored && ev.key == "color" &&
                          ev.value == "blue");
      if (!found)
        return false;
    }
    return true;
  };
  ASSERT_TRUE(cluster.wait_until(stored_everywhere, 30s));
  std::string out;
  EXPECT_EQ(cluster.ctl(5, {"get", "color"}, &out), 0);
  EXPECT_EQ(out, "blue\n");
  // dump: the whole store, the writer's version and name beside the value.
  out.clear();
  EXPECT_EQ(cluster.ctl(5, {"dump"}, &out), 0);
  EXPECT_EQ(out, "color 1 n1 blue\n");
  out.clear();
  EXPECT_EQ(cluster.ctl(3, {"--format=json", "dump"}, &out), 0);
  EXPECT_EQ(
      out, R"({"key":"color","version":1,"origin":"n1","tombstone":false,"value":"blue"})"
           "\n");
}

TEST_F(Processes, BroadcastReachesAll) {
  ASSERT_EQ(cluster.ctl(2, {"broadcast", "hello all"}), 0);
  auto delivered_everywhere = [&] {
    for (size_t i = 0; i < cluster.size(); ++i) {
      bool found = false;
      for (auto& ev : cluster.events(i))
        found = found || (ev.kind == event_kind::delivered && ev.key.empty() &&
                          ev.value == "hello all");
      if (!found)
        return false;
    }
    return true;
  };
  EXPECT_TRUE(cluster.wait_until(delivered_everywhere, 30s));
}

TEST_F(Processes, SigkillIsDetectedByAllOthers) {
  cluster.kill(4);
  EXPECT_TRUE(cluster.wait_until(
      [&] { return all_report(cluster, 4, event_kind::member_down); }, 60s));
}

TEST_F(Processes, ShortSigstopCausesNoMemberDown) {
  // Stopped for well under the minimum suspicion timeout (4 rounds of 200 ms
  // after a failed direct and indirect probe): it must refute in time.
  cluster.signal(2, SIGSTOP);
  std::this_thread::sleep_for(300ms);
  cluster.signal(2, SIGCONT);
  cluster.pump(5s);
  EXPECT_EQ(count_events(cluster, event_kind::member_down, cluster.name(2)), 0u);
  EXPECT_TRUE(all_see(cluster, 8));
}

TEST_F(Processes, RestartedNodeRejoinsWithHigherIncarnation) {
  cluster.kill(3);
  ASSERT_TRUE(cluster.wait_until(
      [&] { return all_report(cluster, 3, event_kind::member_down); }, 60s));
  uint64_t before = 0;
  for (auto& ev : cluster.events(0))
    if (is_member_event(ev.kind) && ev.peer == cluster.name(3))
      before = std::max(before, ev.incarnation);
  cluster.start(3);
  ASSERT_TRUE(cluster.wait_until(
      [&] { return all_report(cluster, 3, event_kind::member_up); }, 60s));
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (i == 3)
      continue;
    uint64_t now = 0;
    for (auto& ev : cluster.events(i))
      if (ev.kind == event_kind::member_up && ev.peer == cluster.name(3))
        now = ev.incarnation;
    EXPECT_GT(now, before) << "at " << cluster.name(i);
  }
  EXPECT_TRUE(cluster.wait_until([&] { return all_see(cluster, 8); }, 30s));
}

TEST_F(Processes, GracefulLeaveIsSeenAsLeft) {
  cluster.stop(5);
  EXPECT_TRUE(cluster.wait_until(
      [&] { return all_report(cluster, 5, event_kind::member_left); }, 30s));
  cluster.pump(2s);
  EXPECT_EQ(count_events(cluster, event_kind::member_down, cluster.name(5)), 0u);
}

TEST(Ctl, ErrorsOnUnreachableNode) {
  child c{{std::string{GOSSIP_BIN_DIR} + "/gossip-ctl", "--node=127.0.0.1:1", "stats"}};
  std::vector<std::string> lines;
  while (c.read_lines(lines))
    wait_readable({c.out_fd()}, 100ms);
  auto status = c.stop(10s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(ProcessAggregates, PushSumCountsTheProcesses) {
  auto s = spec(4);
  s.node_args.push_back("--protocol=push-pull,push-sum");
  s.node_args.push_back("--aggregate=count");
  s.node_args.push_back("--leader=n1");
  process_cluster c{s};
  c.start_all();
  ASSERT_TRUE(c.wait_until([&] { return all_see(c, 4); }, 60s));
  // Every node's estimate of the count converges to 4.
  auto converged = [&] {
    for (size_t i = 0; i < c.size(); ++i) {
      std::string out;
      if (c.ctl(i, {"estimate"}, &out) != 0 || std::abs(std::stod(out) - 4.0) > 1e-6)
        return false;
    }
    return true;
  };
  EXPECT_TRUE(c.wait_until(converged, 60s));
}
