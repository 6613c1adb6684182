// Push-pull (Karp et al.) through fake ports: one exchange moves writes both
// ways, fresh entries ride along for `hot` rounds, and eager mode forwards a
// new entry at once, once per node.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/push_pull.hpp"

using namespace gossip;
using namespace gossip::test;

TEST(PushPull, OneExchangeMovesWritesBothWays) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  a.add("push-pull");
  b.add("push-pull");
  a.write("x", "1");
  b.write("y", "2");
  b.write("z", "3");
  a.tick();
  auto reqs = a.sent<push_pull_request>();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].digest.size(), 1u);
  EXPECT_EQ(reqs[0].entries.size(), 1u); // x is hot
  EXPECT_EQ(a.log[0].what, carries::update);
  EXPECT_EQ(net.settle(), 2u); // request, response
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(a.data().size(), 3u);
  auto resp = b.replied<push_pull_response>();
  ASSERT_EQ(resp.size(), 1u);
  EXPECT_EQ(resp[0].entries.size(), 2u);
  EXPECT_EQ(b.log.back().to, "a");
}

TEST(PushPull, AnEmptyAnswerIsStillSentAsControl) {
  fake_node b{"b"};
  b.add("push-pull");
  b.receive_typed(push_pull_request{"a", "", "", {}, {}}, "a");
  auto resp = b.replied<push_pull_response>();
  ASSERT_EQ(resp.size(), 1u);
  EXPECT_TRUE(resp[0].entries.empty());
  EXPECT_EQ(b.log[0].what, carries::control);
  EXPECT_EQ(b.log[0].to, "a");
}

TEST(PushPull, FreshEntriesRideAlongForHotRoundsOnly) {
  fake_node a{"a"};
  a.set_peers({"b"});
  a.add("push-pull", {{"hot", "2"}});
  a.write("x", "1"); // at round 0
  std::vector<size_t> carried;
  for (int i = 0; i < 4; ++i) {
    a.tick();
    carried.push_back(a.sent<push_pull_request>().back().entries.size());
    a.receive_typed(push_pull_response{"b", {}, ""}, "b"); // each exchange answered
  }
  // Rounds 1 and 2 push x; from round 3 on only the digest goes.
  EXPECT_EQ(carried, (std::vector<size_t>{1, 1, 0, 0}));
  EXPECT_EQ(a.log.back().what, carries::control);
  EXPECT_EQ(a.sent<push_pull_request>().back().digest.size(), 1u);
}

TEST(PushPull, WhatAReceiverLearnsBecomesHotThere) {
  fake_node b{"b"};
  b.set_peers({"a", "c"});
  b.add("push-pull", {{"hot", "1"}, {"fanout", "2"}});
  b.receive_typed(push_pull_update{"a", {make_entry("x", "1", 1, "a")}}, "a");
  b.tick();
  auto reqs = b.sent<push_pull_request>();
  ASSERT_EQ(reqs.size(), 2u);
  for (auto& r : reqs) {
    ASSERT_EQ(r.entries.size(), 1u);
    EXPECT_EQ(r.entries[0].key, "x");
  }
  b.receive_typed(push_pull_response{"a", {}, ""}, "a"); // answered: x cools off
  b.tick();
  EXPECT_TRUE(b.sent<push_pull_request>().back().entries.empty());
}

TEST(PushPull, EveryNRoundsOnly) {
  fake_node a{"a"};
  a.set_peers({"b"});
  a.add("push-pull", {{"every", "3"}});
  for (int i = 0; i < 7; ++i)
    a.tick();
  EXPECT_EQ(a.sent<push_pull_request>().size(), 2u); // rounds 3 and 6
}

TEST(PushPull, WithoutEagerALocalWriteWaitsForTheRound) {
  fake_node a{"a"};
  a.set_peers({"b", "c"});
  a.add("push-pull");
  a.write("x", "1");
  EXPECT_TRUE(a.log.empty());
}

TEST(PushPull, EagerForwardsALocalWriteAtOnce) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d"});
  a.add("push-pull", {{"eager", "2"}});
  a.write("x", "1");
  auto to = a.targets<push_pull_update>();
  ASSERT_EQ(to.size(), 2u);
  EXPECT_NE(to[0], to[1]);
  for (auto& m : a.sent<push_pull_update>()) {
    ASSERT_EQ(m.entries.size(), 1u);
    EXPECT_EQ(m.entries[0].key, "x");
  }
}

TEST(PushPull, EagerForwardsWhatIsNewOnlyAndNeverBack) {
  fake_node b{"b"};
  b.set_peers({"a", "c"});
  b.add("push-pull", {{"eager", "1"}});
  auto x = make_entry("x", "1", 1, "a");
  b.receive_typed(push_pull_update{"a", {x}}, "a");
  EXPECT_EQ(b.targets<push_pull_update>(), std::vector<std::string>{"c"});
  // The same entry again is not new: no forward.
  b.receive_typed(push_pull_update{"c", {x}}, "c");
  EXPECT_EQ(b.sent<push_pull_update>().size(), 1u);
  // Only the new entries of a batch go on.
  b.receive_typed(push_pull_response{"a", {x, make_entry("y", "2", 2, "a")}, ""}, "a");
  auto ups = b.sent<push_pull_update>();
  ASSERT_EQ(ups.size(), 2u);
  ASSERT_EQ(ups[1].entries.size(), 1u);
  EXPECT_EQ(ups[1].entries[0].key, "y");
}

// One key many times in one batch, each newer: it changed once, and goes on
// once (it went on once per copy: a batch of 100,000 was forwarded whole).
TEST(PushPull, AKeyRepeatedInABatchIsForwardedOnce) {
  fake_node b{"b"};
  b.set_peers({"a", "c"});
  b.add("push-pull", {{"eager", "1"}});
  push_pull_update m{"a", {}};
  for (uint64_t v = 1; v <= 1000; ++v)
    m.entries.push_back(make_entry("k", "x", v, "a"));
  b.receive_typed(m, "a");
  auto ups = b.sent<push_pull_update>();
  ASSERT_EQ(ups.size(), 1u);
  ASSERT_EQ(ups[0].entries.size(), 1u);
  EXPECT_EQ(ups[0].entries[0].e.version, 1000u);
}

TEST(PushPull, EagerEpidemicCostsOneForwardPerNode) {
  fake_network net;
  for (auto name : {"n1", "n2", "n3", "n4", "n5", "n6"})
    net.add(name).add("push-pull", {{"eager", "2"}});
  net.connect_all();
  net["n1"].write("x", "1");
  net.settle();
  size_t holders = 0, forwards = 0;
  for (auto name : {"n1", "n2", "n3", "n4", "n5", "n6"}) {
    auto& n = net[name];
    if (n.data().get("x") != nullptr)
      ++holders;
    auto sent = n.sent<push_pull_update>().size();
    // Each holder forwarded once, to two peers; the others never.
    EXPECT_EQ(sent, n.data().get("x") ? 2u : 0u) << name;
    forwards += sent;
  }
  EXPECT_GE(holders, 3u);
  EXPECT_EQ(forwards, 2 * holders);
}
