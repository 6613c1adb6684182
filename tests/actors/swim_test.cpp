// SWIM membership under the deterministic scheduler: exact rounds, no clock
// noise, so every verdict below is reproducible.
#include <gtest/gtest.h>

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "gossip/local_cluster.hpp"
#include "gossip/swim.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

cluster_options swim_cluster(size_t n, uint64_t seed = 1) {
  cluster_options opts;
  opts.nodes = n;
  opts.protocol = "swim";
  opts.seed = seed;
  opts.deterministic = true;
  return opts;
}

member_status status_of(local_cluster& c, size_t viewer, const std::string& name) {
  for (auto& m : c.members(viewer))
    if (m.name == name)
      return m.state();
  ADD_FAILURE() << "node " << viewer << " does not know " << name;
  return member_status::alive;
}

// Rounds until every node but `except` reports `name` in `status`.
size_t rounds_until_all_see(local_cluster& c, size_t except, const std::string& name,
                            member_status status, size_t max_rounds) {
  for (size_t r = 1; r <= max_rounds; ++r) {
    c.run_round();
    bool all = true;
    for (size_t i = 0; i < c.size() && all; ++i)
      all = i == except || status_of(c, i, name) == status;
    if (all)
      return r;
  }
  return max_rounds + 1;
}

} // namespace

TEST(Swim, HealthyClusterHasNoFalseSuspicions) {
  local_cluster c{swim_cluster(8)};
  caf::scoped_actor self{c.system()};
  for (size_t i = 0; i < c.size(); ++i)
    caf::anon_send(c.node(i), caf::subscribe_atom::value, caf::actor{self});
  for (int r = 0; r < 300; ++r)
    c.run_round();
  size_t bad = 0;
  bool more = true;
  while (more)
    self->receive(
        [&](const event& ev) {
          bad +=
              ev.kind == event_kind::member_suspect || ev.kind == event_kind::member_down
                  ? 1
                  : 0;
        },
        caf::after(0ms) >> [&] { more = false; });
  EXPECT_EQ(bad, 0u);
  for (size_t i = 0; i < c.size(); ++i) {
    auto ms = c.members(i);
    EXPECT_EQ(ms.size(), 8u);
    for (auto& m : ms)
      EXPECT_EQ(m.state(), member_status::alive) << m.name << " at node " << i;
  }
}

TEST(Swim, CrashedMemberIsDeclaredDeadByAll) {
  local_cluster c{swim_cluster(8)};
  for (int r = 0; r < 5; ++r)
    c.run_round();
  c.crash(3);
  // Probe (1 round) + indirect probe (1) + suspicion timeout (4..24 rounds at
  // n=8, shorter with confirmations) + dissemination.
  auto rounds = rounds_until_all_see(c, 3, "3", member_status::dead, 60);
  EXPECT_LE(rounds, 60u);
  RecordProperty("rounds_to_detect", static_cast<int>(rounds));
  std::cout << "detected by all after " << rounds << " rounds\n";
  // Nobody else was taken down with it.
  for (size_t i = 0; i < c.size(); ++i) {
    for (auto& m : i == 3 ? std::vector<member_update>{} : c.members(i)) {
      if (m.name != "3") {
        EXPECT_EQ(m.state(), member_status::alive) << m.name << " at node " << i;
      }
    }
  }
}

TEST(Swim, ADeadMemberLeavesEveryPeerViewInProcessToo) {
  // In-process nodes share one directory; a member SWIM declared dead must
  // still drop out of each node's own view, so no sampler picks it.
  auto opts = swim_cluster(6);
  opts.protocol = "swim,push";
  local_cluster c{opts};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  c.crash(4);
  ASSERT_LE(rounds_until_all_see(c, 4, "4", member_status::dead, 60), 60u);
  c.put(0, "k", "v");
  for (size_t i = 0; i < c.size(); ++i) {
    if (i == 4)
      continue;
    auto view = c.peers(i);
    EXPECT_EQ(view.size(), 4u) << "node " << i;
    EXPECT_EQ(std::count(view.begin(), view.end(), "4"), 0) << "node " << i;
    EXPECT_EQ(std::count(view.begin(), view.end(), c.name(i)), 0) << "node " << i;
  }
  // Every push reaches a live peer, so the write spreads among them.
  for (int r = 0; r < 10; ++r)
    c.run_round();
  for (size_t i = 0; i < c.size(); ++i) {
    if (i != 4) {
      EXPECT_EQ(c.snapshot(i).size(), 1u) << "node " << i;
    }
  }
}

TEST(Swim, GracefulLeaveIsSeenAsLeftNotDead) {
  local_cluster c{swim_cluster(6)};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  c.leave(2);
  auto rounds = rounds_until_all_see(c, 2, "2", member_status::left, 5);
  EXPECT_LE(rounds, 1u) << "the goodbye goes to every member directly";
  c.crash(2);
  for (int r = 0; r < 40; ++r)
    c.run_round();
  for (size_t i = 0; i < c.size(); ++i) {
    if (i != 2) {
      EXPECT_EQ(status_of(c, i, "2"), member_status::left);
    }
  }
}

TEST(Swim, SuspectedMemberRefutesWithHigherIncarnation) {
  local_cluster c{swim_cluster(5)};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  // Node 1 hears from "0" that it is suspected.
  member_update rumor{"1", 1, static_cast<uint8_t>(member_status::suspect), {}, {}, "0"};
  caf::anon_send(c.node(1), swim_ping{"0", 999, {rumor}});
  c.settle();
  EXPECT_EQ(c.members(1)[0].incarnation, 2u);
  for (int r = 0; r < 10; ++r)
    c.run_round();
  for (size_t i = 0; i < c.size(); ++i) {
    for (auto& m : c.members(i)) {
      if (m.name == "1") {
        EXPECT_EQ(m.incarnation, 2u) << "at node " << i;
        EXPECT_EQ(m.state(), member_status::alive) << "at node " << i;
      }
    }
  }
}

TEST(Swim, MalformedUpdatesAreDroppedTheRestApplied) {
  local_cluster c{swim_cluster(3)};
  c.run_round();
  member_update bad{"2", 9, 7 /* no such status */, {}, {}, "0"};
  member_update newcomer{"7", 1, 0, {}, {}, "0"};
  caf::anon_send(c.node(1), swim_ping{"0", 1, {bad, newcomer}});
  caf::anon_send(c.node(1), swim_sync{"", true, {}});
  c.settle();
  EXPECT_EQ(status_of(c, 1, "2"), member_status::alive);
  EXPECT_EQ(status_of(c, 1, "7"), member_status::alive) << "the good update is applied";
  auto stats = c.stats(1);
  EXPECT_EQ(stats.by_type["gossip::swim_ping"].rejected, 0u);
  EXPECT_EQ(stats.by_type["gossip::swim_ping"].rejected_items, 1u);
  EXPECT_EQ(stats.by_type["gossip::swim_sync"].rejected, 1u) << "no sender: all of it";
}

TEST(Swim, AForeignDeathVerdictAboutALiveMemberIsOnlyASuspicion) {
  // What a healed partition brings: the other side declared "1" dead.
  local_cluster c{swim_cluster(6)};
  caf::scoped_actor self{c.system()};
  for (size_t i = 0; i < c.size(); ++i)
    caf::anon_send(c.node(i), caf::subscribe_atom::value, caf::actor{self});
  for (int r = 0; r < 3; ++r)
    c.run_round();
  member_update verdict{"1", 1, static_cast<uint8_t>(member_status::dead), {}, {}, "0"};
  caf::anon_send(c.node(2), swim_gossip{"0", {verdict}});
  c.settle();
  EXPECT_EQ(status_of(c, 2, "1"), member_status::suspect);
  for (int r = 0; r < 30; ++r)
    c.run_round();
  size_t downs = 0;
  bool more = true;
  while (more)
    self->receive(
        [&](const event& ev) {
          downs += ev.kind == event_kind::member_down && ev.peer == "1" ? 1 : 0;
        },
        caf::after(0ms) >> [&] { more = false; });
  EXPECT_EQ(downs, 0u) << "1 refuted before anyone took it for dead";
  for (size_t i = 0; i < c.size(); ++i) {
    if (i != 1) {
      EXPECT_EQ(status_of(c, i, "1"), member_status::alive) << "at " << i;
    }
  }
}
