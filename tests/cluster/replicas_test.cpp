// Write levels and convergence with real gossip-node processes on 127.0.0.1:
// a write held by two members survives the SIGKILL of the node that
// acknowledged it, whatever protocol spreads it; replicas=all and wait time
// out while a member is paused and succeed once it resumes; wait returns
// only once every member holds the write. Waits are event-driven with
// generous bounds; nothing asserts a duration.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>

#include "helpers.hpp"
#include "process_cluster.hpp"

using namespace gossip::proc;
using gossip::event_kind;
using gossip::test::bin;
using namespace std::chrono_literals;

namespace {

cluster_spec spec(size_t n, std::vector<std::string> args) {
  auto s = gossip::test::spec(n);
  s.node_args = std::move(args);
  return s;
}

using gossip::test::all_see;

bool stored(process_cluster& c, size_t i, const std::string& key) {
  for (auto& ev : c.events(i))
    if (ev.kind == event_kind::stored && ev.key == key)
      return true;
  return false;
}

// gossip-ctl against node i, its stderr kept (process_cluster::ctl lets it through).
gossip::test::outcome ctl(process_cluster& c, size_t i, std::vector<std::string> args) {
  args.insert(args.begin(), {bin("gossip-ctl"), "--node=" + c.address(i)});
  return gossip::test::run(args, 30s);
}

} // namespace

class Durability : public ::testing::TestWithParam<const char*> {};

// With the default level (only the acknowledging node holds the write), the
// same trials lost 10 of 10 writes with anti-entropy and 1 of 10 with
// push-pull. Each trial kills another node rather than restarting one (no
// wait for a rejoin): two clusters of 7 give 10 trials. Rumor mongering alone is left
// out: it leaves a residue by design, so "every survivor" would not hold even without
// kills.
TEST_P(Durability, AWriteHeldByTwoSurvivesTheSigkillOfItsAcknowledgingNode) {
  size_t lost = 0, trials = 0;
  for (int run = 0; run < 2; ++run) {
    process_cluster c{
        spec(7, {"--interval=200ms", std::string{"--protocol="} + GetParam()})};
    c.start_all();
    ASSERT_TRUE(c.wait_until([&] { return all_see(c, 7); }, 60s));
    for (size_t acker = 1; acker <= 5; ++acker, ++trials) {
      auto key = "k" + std::to_string(trials);
      ASSERT_EQ(c.ctl(acker, {"put", key, "v", "--replicas=2"}), 0) << key;
      c.kill(acker); // right after the ack
      auto everywhere = [&] {
        for (size_t i = 0; i < c.size(); ++i)
          if (c.running(i) && !stored(c, i, key))
            return false;
        return true;
      };
      lost += c.wait_until(everywhere, 30s) ? 0 : 1;
    }
  }
  EXPECT_EQ(lost, 0u) << "of " << trials;
}

INSTANTIATE_TEST_SUITE_P(Protocols, Durability,
                         ::testing::Values("push-pull", "anti-entropy", "push", "pull"),
                         [](const auto& info) {
                           std::string name = info.param;
                           name.erase(std::remove(name.begin(), name.end(), '-'),
                                      name.end());
                           return name;
                         });

TEST(WriteLevels, AllTimesOutWhileAMemberIsPausedAndSucceedsOnceItResumes) {
  // Slow suspicions: the paused member stays a live member throughout.
  process_cluster c{spec(4, {"--suspicion-mult=8"})};
  c.start_all();
  ASSERT_TRUE(c.wait_until([&] { return all_see(c, 4); }, 60s));
  c.signal(2, SIGSTOP);
  auto put = ctl(c, 0, {"put", "k", "v", "--replicas=all", "--timeout=1s"});
  auto wait = ctl(c, 0, {"wait", "k", "--timeout=1s"});
  c.signal(2, SIGCONT);
  EXPECT_EQ(put.code, 3);
  EXPECT_NE(put.err.find("held by 3 of 4 members"), std::string::npos) << put.err;
  EXPECT_NE(put.err.find("not confirmed by n3"), std::string::npos) << put.err;
  EXPECT_EQ(std::count(put.err.begin(), put.err.end(), '\n'), 1) << put.err;
  EXPECT_EQ(wait.code, 3);
  EXPECT_NE(wait.err.find("held by 3 of 4 live members"), std::string::npos) << wait.err;
  auto resumed = ctl(c, 0, {"wait", "k", "--timeout=15s"});
  EXPECT_EQ(resumed.code, 0) << resumed.err;
  auto again = ctl(c, 0, {"put", "k", "w", "--replicas=all", "--timeout=15s"});
  EXPECT_EQ(again.code, 0) << again.err;
  ASSERT_EQ(again.out.size(), 1u);
  EXPECT_NE(again.out[0].find("held by 4 of 4 members"), std::string::npos);
}

TEST(Convergence, WaitReturnsOnlyOnceEveryMemberHoldsTheWrite) {
  // Anti-entropy alone, 1 s rounds: a write takes seconds to reach all, far
  // longer than the gets that follow the wait.
  process_cluster c{spec(5, {"--protocol=anti-entropy", "--interval=1s"})};
  c.start_all();
  ASSERT_TRUE(c.wait_until([&] { return all_see(c, 5); }, 60s));
  std::string out;
  EXPECT_EQ(c.ctl(1, {"agree", "--timeout=15s"}, &out), 0);
  EXPECT_EQ(out, "agreed: 5 members\n");
  for (size_t w = 0; w < 3; ++w) {
    auto key = "key" + std::to_string(w);
    auto value = "value" + std::to_string(w);
    ASSERT_EQ(c.ctl(w, {"put", key, value}), 0);
    ASSERT_EQ(c.ctl(w, {"wait", key, "--timeout=15s"}), 0) << key;
    for (size_t i = 0; i < c.size(); ++i) {
      std::string got;
      EXPECT_EQ(c.ctl(i, {"get", key}, &got), 0) << key << " on " << c.name(i);
      EXPECT_EQ(got, value + "\n") << key << " on " << c.name(i);
    }
  }
  EXPECT_EQ(c.ctl(0, {"wait", "absent"}), 1);
}
