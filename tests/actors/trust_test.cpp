// Remote values that could break an invariant, sent to nodes under the
// deterministic scheduler: clocks and incarnations that would wrap, tables
// that would grow without end, a second node under the same name, controls
// that only the node's own process may send.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <limits>

#include "gossip/atoms.hpp"
#include "gossip/hyparview.hpp"
#include "gossip/local_cluster.hpp"
#include "gossip/probabilistic.hpp"
#include "gossip/push.hpp"
#include "gossip/swim.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

constexpr uint64_t top = std::numeric_limits<uint64_t>::max();

cluster_options deterministic(size_t n, const char* protocols) {
  cluster_options opts;
  opts.nodes = n;
  opts.protocol = protocols;
  opts.deterministic = true;
  return opts;
}

member_update member_in(local_cluster& c, size_t viewer, const std::string& name) {
  for (auto& m : c.members(viewer))
    if (m.name == name)
      return m;
  ADD_FAILURE() << "node " << viewer << " does not know " << name;
  return {};
}

std::vector<event> drain(caf::scoped_actor& self) {
  std::vector<event> result;
  bool more = true;
  while (more)
    self->receive([&](const event& ev) { result.push_back(ev); },
                  caf::after(0ms) >> [&] { more = false; });
  return result;
}

} // namespace

TEST(Trust, AVersionAtTheEndOfTheClockCannotPinAKey) {
  local_cluster c{deterministic(3, "push")};
  auto v1 = c.put(0, "k", "mine");
  caf::anon_send(c.node(0), push_msg{"2",
                                     {keyed_entry{"k", entry{"evil", top, "2", false, 0}},
                                      keyed_entry{"j", entry{"ok", 7, "2", false, 0}}}});
  c.settle();
  EXPECT_EQ(c.stats(0).by_type["gossip::push_msg"].rejected_items, 1u);
  // The honest entry of the same batch is taken; the clock moved to it, no further.
  auto v2 = c.put(0, "k", "later");
  EXPECT_GT(v2, v1);
  EXPECT_EQ(v2, 8u);
  for (int r = 0; r < 10; ++r)
    c.run_round();
  EXPECT_TRUE(c.converged());
  for (auto& x : c.snapshot(1)) {
    if (x.key == "k") {
      EXPECT_EQ(x.e.value, "later");
    }
  }
}

TEST(Trust, VersionsFarAheadAreRejectedNearOnesTaken) {
  local_cluster c{deterministic(2, "push")};
  limits lim;
  caf::anon_send(
      c.node(1),
      push_msg{"0",
               {keyed_entry{"far", entry{"x", lim.max_version_ahead + 1, "0", false, 0}},
                keyed_entry{"near", entry{"y", lim.max_version_ahead, "0", false, 0}}}});
  c.settle();
  auto snap = c.snapshot(1);
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_EQ(snap[0].key, "near");
}

// Versions each just within max_version_ahead of the clock, one after the
// other, would walk it to its end (2^22 steps): only the first is taken.
TEST(Trust, VersionsThatStepAheadAgainAndAgainCannotExhaustTheClock) {
  local_cluster c{deterministic(2, "push")};
  limits lim;
  push_msg creep{"0", {}};
  for (uint64_t i = 1; i <= 100; ++i)
    creep.entries.push_back(
        keyed_entry{"k", entry{"x", i * lim.max_version_ahead, "0", false, 0}});
  caf::anon_send(c.node(1), creep);
  c.settle();
  EXPECT_EQ(c.stats(1).by_type["gossip::push_msg"].rejected_items, 99u);
  EXPECT_EQ(c.put(1, "k", "mine"), lim.max_version_ahead + 1);
}

TEST(Trust, ADeathVerdictAtTheLastIncarnationExcludesNobody) {
  local_cluster c{deterministic(4, "swim")};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  member_update verdict{"1", top, static_cast<uint8_t>(member_status::dead), {}, {}, "0"};
  for (size_t i = 0; i < 4; ++i)
    caf::anon_send(c.node(i), swim_gossip{"0", {verdict}});
  c.settle();
  for (int r = 0; r < 30; ++r)
    c.run_round();
  for (size_t i = 0; i < 4; ++i) {
    auto m = member_in(c, i, "1");
    EXPECT_EQ(m.state(), member_status::alive) << "at node " << i;
    EXPECT_LT(m.incarnation, 100u) << "at node " << i;
  }
  EXPECT_GE(c.stats(1).by_type["gossip::swim_gossip"].rejected_items, 1u);
}

TEST(Trust, AnAccusedMemberRefutesAVerdictAtItsOwnIncarnation) {
  local_cluster c{deterministic(4, "swim")};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  auto before = member_in(c, 2, "1").incarnation;
  member_update verdict{"1", before, static_cast<uint8_t>(member_status::dead),
                        {},  {},     "0"};
  caf::anon_send(c.node(1), swim_gossip{"0", {verdict}});
  c.settle();
  EXPECT_EQ(member_in(c, 1, "1").incarnation, before + 1);
  for (int r = 0; r < 20; ++r)
    c.run_round();
  EXPECT_EQ(member_in(c, 3, "1").state(), member_status::alive);
}

TEST(Trust, TheMemberTableIsBounded) {
  auto opts = deterministic(3, "swim");
  opts.node.limits.max_members = 5;
  local_cluster c{opts};
  c.run_round();
  std::vector<member_update> crowd;
  for (int i = 0; i < 50; ++i)
    crowd.push_back(member_update{"made-up-" + std::to_string(i), 1, 0, {}, {}, "x"});
  caf::anon_send(c.node(0), swim_sync{"1", false, crowd});
  c.settle();
  EXPECT_EQ(c.members(0).size(), 1u + 5u) << "itself and at most max_members others";
  EXPECT_EQ(c.stats(0).by_type["gossip::swim_sync"].rejected_items, 50u - 3u);
}

TEST(Trust, TheRumorIdWindowIsBounded) {
  auto opts = deterministic(2, "probabilistic");
  opts.node.limits.max_rumor_ids = 3;
  local_cluster c{opts};
  for (uint64_t id = 1; id <= 5; ++id)
    caf::anon_send(c.node(1), rumor_msg{"0", rumor{"0", id, "r", 0, {}}});
  c.settle();
  auto st = c.stats(1);
  EXPECT_EQ(st.fresh, 3u);
  EXPECT_EQ(st.by_type["gossip::rumor_msg"].rejected_items, 2u);
}

TEST(Trust, SubscribersAreBounded) {
  auto opts = deterministic(1, "push");
  opts.node.limits.max_subscribers = 2;
  local_cluster c{opts};
  std::vector<std::unique_ptr<caf::scoped_actor>> subs;
  for (int i = 0; i < 4; ++i) {
    subs.push_back(std::make_unique<caf::scoped_actor>(c.system()));
    caf::anon_send(c.node(0), caf::subscribe_atom::value, caf::actor{*subs.back()});
  }
  c.settle();
  EXPECT_EQ(c.stats(0).refused_subscribers, 2u);
  c.put(0, "k", "v");
  EXPECT_EQ(drain(*subs[0]).size(), 1u);
  EXPECT_EQ(drain(*subs[3]).size(), 0u);
}

TEST(Trust, ASecondNodeUnderTheSameNameIsReportedNotOutbid) {
  local_cluster c{deterministic(3, "swim")};
  for (size_t i = 0; i < 3; ++i)
    caf::anon_send(c.node(i), in_process, address_atom::value,
                   "127.0.0.1:" + std::to_string(7000 + i));
  for (int r = 0; r < 3; ++r)
    c.run_round();
  caf::scoped_actor self{c.system()};
  caf::anon_send(c.node(0), caf::subscribe_atom::value, caf::actor{self});
  auto before = member_in(c, 0, "0").incarnation;
  member_update twin{"0", before + 1, 0, "127.0.0.1:9999", {}, "0"};
  for (int i = 0; i < 3; ++i)
    caf::anon_send(c.node(0), swim_gossip{"1", {twin}});
  c.settle();
  EXPECT_EQ(member_in(c, 0, "0").incarnation, before) << "no incarnation war";
  size_t conflicts = 0;
  for (auto& ev : drain(self))
    if (ev.kind == event_kind::name_conflict) {
      ++conflicts;
      EXPECT_EQ(ev.address, "127.0.0.1:9999");
    }
  EXPECT_EQ(conflicts, 1u) << "reported once per address";
}

// What a peer could send instead of the tagged controls (atoms.hpp): each is
// not understood, counted, and changes nothing.
TEST(Trust, ControlsWithoutTheInProcessTagAreNotUnderstood) {
  local_cluster c{deterministic(3, "swim")};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  auto rounds = c.stats(0).rounds;
  caf::anon_send(c.node(0), caf::leave_atom::value);
  caf::anon_send(c.node(0), caf::leave_atom::value, std::string{"1"});
  caf::anon_send(c.node(0), address_atom::value, std::string{"127.0.0.1:1"});
  caf::anon_send(c.node(0), caf::tick_atom::value);
  caf::anon_send(c.node(0), round_atom::value);
  caf::anon_send(c.node(0), caf::join_atom::value, peer{"x", c.node(1)});
  caf::anon_send(c.node(0), peers_atom::value, std::vector<peer>{});
  c.settle();
  EXPECT_EQ(c.stats(0).unknown, 7u);
  EXPECT_EQ(c.stats(0).rounds, rounds);
  for (int r = 0; r < 5; ++r)
    c.run_round();
  for (size_t i = 1; i < 3; ++i)
    EXPECT_EQ(member_in(c, i, "0").state(), member_status::alive) << "at node " << i;
  EXPECT_EQ(c.peers(0).size(), 2u);
}

// HyParView's controls (hyparview.hpp) are the node's own process's too: a
// peer could have made a node join wherever it said, or read its candidates.
TEST(Trust, HyParViewControlsWithoutTheInProcessTagAreNotUnderstood) {
  local_cluster c{deterministic(2, "hyparview")};
  caf::anon_send(c.node(1), hv_join_atom::value, c.name(0));
  caf::anon_send(c.node(1), hv_passive_atom::value);
  c.settle();
  EXPECT_EQ(c.stats(1).unknown, 2u);
  for (int r = 0; r < 3; ++r)
    c.run_round();
  EXPECT_TRUE(c.peers(1).empty()) << "joined on a peer's word";
  caf::anon_send(c.node(1), in_process, hv_join_atom::value, c.name(0));
  for (int r = 0; r < 3; ++r)
    c.run_round();
  EXPECT_EQ(c.peers(1), std::vector<std::string>{c.name(0)});
  EXPECT_EQ(c.stats(1).unknown, 2u);
}

// An actor that calls itself after a member gets none of that member's
// traffic: the node keeps its route (it got the member's rounds and probes
// until the member's next message took the route back).
TEST(Trust, ASenderNamingItselfAfterAMemberGetsNoneOfItsTraffic) {
  local_cluster c{deterministic(3, "swim,push-pull")};
  for (int r = 0; r < 3; ++r)
    c.run_round();
  caf::scoped_actor impostor{c.system()};
  impostor->send(c.node(0), swim_gossip{"1", {}});
  c.settle();
  c.put(0, "k", "v");
  for (int r = 0; r < 10; ++r)
    c.run_round();
  EXPECT_TRUE(impostor->mailbox().empty());
  EXPECT_TRUE(c.converged());
}
