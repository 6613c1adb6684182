// SWIM through fake ports: ping and ack, indirect probes, suspicion and
// refutation, verdicts, leaving and joining, and the membership port calls.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_port.hpp"
#include "gossip/swim.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

member_update mu(std::string name, uint64_t inc, member_status st,
                 std::string reporter = {}) {
  return member_update{std::move(name),    inc, static_cast<uint8_t>(st), {}, {},
                       std::move(reporter)};
}

/// A node's view of `name` (through the members request), if it has one.
std::optional<member_update> member(fake_node& n, const std::string& name) {
  auto r = n.request(caf::make_message(members_atom::value));
  if (!r || !as<std::vector<member_update>>(*r))
    return std::nullopt;
  for (auto& m : *as<std::vector<member_update>>(*r))
    if (m.name == name)
      return m;
  return std::nullopt;
}

/// A node of `net` listening at 10.0.0.<i>:7000.
fake_node& at(fake_network& net, const std::string& name, int i) {
  auto& n = net.add(name);
  n.addr = "10.0.0." + std::to_string(i) + ":7000";
  return n;
}

bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// a, b and c know each other (at incarnation 1) after a few rounds; the
/// records start empty.
struct trio {
  fake_network net;
  fake_node& a;
  fake_node& b;
  fake_node& c;
  explicit trio(const params& ps = {})
      : a(net.add("a")), b(net.add("b")), c(net.add("c")) {
    net.connect_all();
    for (auto n : {&a, &b, &c})
      n->add("swim", ps);
    for (int i = 0; i < 3; ++i)
      net.round();
    for (auto n : {&a, &b, &c})
      n->clear_records();
  }
  void a_round() {
    a.tick();
    net.settle();
  }
  /// c hears nothing, and a's connection to it is "being dialled" (its
  /// pings wait): a's rounds until it pinged c.
  void a_probes_c_while_dialling() {
    net.down = {"c"};
    a.dialing = {"c"};
    a_probes("c");
  }
  /// Runs a's rounds until its latest ping went to `target`; its seq.
  uint64_t a_probes(const std::string& target) {
    for (int i = 0; i < 6; ++i) {
      a_round();
      auto& last = a.log;
      for (auto e = last.rbegin(); e != last.rend(); ++e)
        if (auto p = as<swim_ping>(e->msg); p && e->kind == envelope::send) {
          if (e->to == target)
            return p->seq;
          break;
        }
    }
    ADD_FAILURE() << "a never probed " << target;
    return 0;
  }
};

} // namespace

TEST(Swim, BootstrapReportsStaticPeersUpThroughTheMembershipPort) {
  fake_node a{"a"};
  a.set_peers({"b", "c"});
  a.add("swim");
  a.tick();
  ASSERT_EQ(a.ups.size(), 2u);
  EXPECT_EQ(a.ups[0].name, "b");
  EXPECT_EQ(a.ups[1].name, "c");
  EXPECT_FALSE(a.ups[0].reconnect);
  EXPECT_EQ(a.events_of(event_kind::member_up).size(), 2u);
  EXPECT_EQ(a.sent<swim_ping>().size(), 1u);
}

TEST(Swim, PingIsAnsweredWithAnAckAndNoProbeGoesIndirect) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  a.add("swim");
  b.add("swim");
  for (int i = 0; i < 6; ++i)
    net.round();
  auto pings = a.sent<swim_ping>();
  auto acks = b.replied<swim_ack>();
  ASSERT_GE(pings.size(), 5u);
  ASSERT_EQ(acks.size(), pings.size());
  for (size_t i = 0; i < pings.size(); ++i)
    EXPECT_EQ(acks[i].seq, pings[i].seq);
  EXPECT_TRUE(a.sent<swim_ping_req>().empty());
  EXPECT_TRUE(a.events_of(event_kind::member_suspect).empty());
  // b learned a's address book entry from the piggybacked updates.
  auto m = member(b, "a");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->incarnation, 1u);
  EXPECT_EQ(m->state(), member_status::alive);
}

TEST(Swim, AFailedProbeGoesIndirectThenSuspects) {
  trio t;
  t.net.down = {"c"};
  auto seq = t.a_probes("c");
  EXPECT_TRUE(t.a.sent<swim_ping_req>().empty());
  t.a_round(); // no ack: ask b
  auto reqs = t.a.sent<swim_ping_req>();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "c");
  EXPECT_EQ(reqs[0].seq, seq);
  EXPECT_EQ(t.a.targets<swim_ping_req>(), std::vector<std::string>{"b"});
  EXPECT_TRUE(contains(t.b.targets<swim_ping>(), "c")); // b probed c for a
  EXPECT_TRUE(t.a.events_of(event_kind::member_suspect).empty());
  t.a_round(); // no indirect ack either: suspect
  auto sus = t.a.events_of(event_kind::member_suspect);
  ASSERT_EQ(sus.size(), 1u);
  EXPECT_EQ(sus[0].peer, "c");
  EXPECT_EQ(sus[0].reporter, "a");
  EXPECT_EQ(member(t.a, "c")->state(), member_status::suspect);
  EXPECT_EQ(t.a.suspicions, 1u);  // counted (gossip_suspicions_total)
  EXPECT_TRUE(t.a.downs.empty()); // suspected, still sampled
  EXPECT_TRUE(contains(t.a.peers(), "c"));
}

TEST(Swim, AnIndirectAckSavesTheMember) {
  trio t;
  t.net.drop = [](const envelope& e) {
    return e.from == "a" && e.to == "c" && as<swim_ping>(e.msg);
  };
  t.a_probes("c");
  t.a_round();
  auto relayed = t.b.sent<swim_indirect_ack>();
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].target, "c");
  EXPECT_EQ(t.b.targets<swim_indirect_ack>(), std::vector<std::string>{"a"});
  for (int i = 0; i < 4; ++i)
    t.a_round();
  EXPECT_TRUE(t.a.events_of(event_kind::member_suspect).empty());
  EXPECT_EQ(member(t.a, "c")->state(), member_status::alive);
}

// A ping held for its connection (membership_port::connecting) has not gone
// out: its deadline waits for the dial, and a failed dial ends the wait.
TEST(Swim, AProbeWaitsForTheConnectionToItsTarget) {
  trio t;
  t.a_probes_c_while_dialling();
  for (int i = 0; i < 6; ++i)
    t.a_round();
  EXPECT_TRUE(t.a.sent<swim_ping_req>().empty());
  EXPECT_TRUE(t.a.events_of(event_kind::member_suspect).empty());
  t.a.dialing.clear(); // the ping left (or the dial failed): its deadline counts
  t.a_round();
  EXPECT_TRUE(t.a.sent<swim_ping_req>().empty());
  t.a_round();
  EXPECT_EQ(t.a.targets<swim_ping_req>(), std::vector<std::string>{"b"});
  t.a_round();
  EXPECT_EQ(member(t.a, "c")->state(), member_status::suspect);
}

// A dial that never ends holds a probe only so long: then the usual
// indirect probe and suspicion follow.
TEST(Swim, AHangingDialDelaysAProbeABoundedTime) {
  trio t;
  t.a_probes_c_while_dialling();
  int rounds = 0;
  while (t.a.sent<swim_ping_req>().empty() && rounds < 40) {
    t.a_round();
    ++rounds;
  }
  EXPECT_GT(rounds, 6);
  EXPECT_LE(rounds, 15);
  t.a_round();
  EXPECT_EQ(member(t.a, "c")->state(), member_status::suspect);
}

TEST(Swim, TheSuspectRefutesWithAHigherIncarnation) {
  trio t;
  t.net.down = {"c"};
  t.a_probes("c");
  t.a_round();
  t.a_round();
  ASSERT_EQ(member(t.a, "c")->state(), member_status::suspect);
  EXPECT_EQ(t.c.refutations, 0u);
  t.net.down.clear();
  t.net.round();
  t.net.round();
  EXPECT_EQ(t.c.refutations, 1u); // counted (gossip_refutations_total)
  auto st = t.c.events_of(event_kind::state_changed);
  ASSERT_FALSE(st.empty());
  EXPECT_EQ(st[0].incarnation, 2u);
  EXPECT_NE(st[0].detail.find("refuted suspect"), std::string::npos) << st[0].detail;
  auto m = member(t.a, "c");
  EXPECT_EQ(m->state(), member_status::alive);
  EXPECT_EQ(m->incarnation, 2u);
  auto up = t.a.events_of(event_kind::member_up);
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.back().detail, "refuted suspicion");
  for (int i = 0; i < 10; ++i)
    t.net.round();
  EXPECT_TRUE(t.a.events_of(event_kind::member_down).empty());
  EXPECT_TRUE(t.a.downs.empty());
}

TEST(Swim, AnUnrefutedSuspicionBecomesDeathAfterTheTimeout) {
  trio t;
  t.net.down = {"c"};
  t.a_probes("c");
  t.a_round();
  t.a_round();
  ASSERT_EQ(t.a.events_of(event_kind::member_suspect).size(), 1u);
  auto since = t.a.round();
  // Three members: the minimum, 4 rounds (suspicion_timeout).
  while (t.a.round() < since + 3) {
    t.a_round();
    EXPECT_TRUE(t.a.downs.empty()) << "round " << t.a.round();
  }
  t.a_round();
  EXPECT_EQ(t.a.downs, std::vector<std::string>{"c"});
  EXPECT_EQ(t.a.events_of(event_kind::member_down).size(), 1u);
  EXPECT_FALSE(contains(t.a.peers(), "c"));
  EXPECT_EQ(member(t.a, "c")->state(), member_status::dead);
}

TEST(Swim, ADeadVerdictAboutALiveMemberStartsAsASuspicion) {
  trio t;
  t.a.receive_typed(swim_gossip{"b", {mu("c", 1, member_status::dead, "b")}}, "b");
  EXPECT_TRUE(t.a.downs.empty());
  EXPECT_TRUE(t.a.events_of(event_kind::member_down).empty());
  auto sus = t.a.events_of(event_kind::member_suspect);
  ASSERT_EQ(sus.size(), 1u);
  EXPECT_EQ(sus[0].peer, "c");
  EXPECT_EQ(member(t.a, "c")->state(), member_status::suspect);
  // The accused hears of it at once.
  auto told = t.a.sent<swim_gossip>(envelope::send, "c");
  ASSERT_EQ(told.size(), 1u);
  ASSERT_EQ(told[0].updates.size(), 1u);
  EXPECT_EQ(told[0].updates[0].state(), member_status::suspect);
  // and refutes: the verdict does not stick.
  t.net.settle();
  t.net.round();
  EXPECT_EQ(member(t.a, "c")->state(), member_status::alive);
  EXPECT_EQ(member(t.a, "c")->incarnation, 2u);
}

// A verdict that names the receiver as its reporter, or a newer incarnation
// than the receiver knows, is still someone else's: a suspicion, refuted.
TEST(Swim, AVerdictInTheReceiversNameOrAheadStartsAsASuspicion) {
  for (auto verdict :
       {mu("c", 1, member_status::dead, "a"), mu("c", 7, member_status::dead, "b")}) {
    trio t;
    t.a.receive_typed(swim_gossip{"b", {verdict}}, "b");
    EXPECT_TRUE(t.a.downs.empty());
    EXPECT_TRUE(t.a.events_of(event_kind::member_down).empty());
    EXPECT_EQ(member(t.a, "c")->state(), member_status::suspect);
    t.net.settle();
    t.net.round();
    EXPECT_EQ(member(t.a, "c")->state(), member_status::alive);
    EXPECT_EQ(member(t.a, "c")->incarnation, verdict.incarnation + 1);
  }
}

TEST(Swim, ALeaveReportedByAnotherMemberIsRejected) {
  trio t;
  t.a.receive_typed(swim_gossip{"b", {mu("c", 1, member_status::left, "b")}}, "b");
  EXPECT_TRUE(t.a.downs.empty());
  EXPECT_TRUE(t.a.events.empty());
  EXPECT_EQ(member(t.a, "c")->state(), member_status::alive);
  EXPECT_EQ(t.a.rejected_items.size(), 1u);
}

// Where no address travels with it, a second node under our name shows by
// outbidding us back: once is a previous life of ours, twice is a conflict.
TEST(Swim, ANameThatOutbidsUsBackIsAConflictNotAWar) {
  trio t;
  t.c.receive_typed(swim_gossip{"a", {mu("c", 5, member_status::alive, "c")}}, "a");
  EXPECT_EQ(member(t.c, "c")->incarnation, 6u);
  EXPECT_TRUE(t.c.events_of(event_kind::name_conflict).empty());
  for (uint64_t inc : {7, 9})
    t.c.receive_typed(swim_gossip{"a", {mu("c", inc, member_status::alive, "c")}}, "a");
  EXPECT_EQ(member(t.c, "c")->incarnation, 6u);
  EXPECT_EQ(t.c.events_of(event_kind::name_conflict).size(), 1u);
  // A suspicion is still refuted.
  t.c.receive_typed(swim_gossip{"a", {mu("c", 9, member_status::suspect, "a")}}, "a");
  EXPECT_EQ(member(t.c, "c")->incarnation, 10u);
}

// Names the node cannot reach (made up, with no address and no route: not
// in its view) are neither probed nor sent gossip; a refutation goes to
// those who can hear it.
TEST(Swim, MembersOutsideTheViewAreNeitherProbedNorSentGossip) {
  trio t;
  std::vector<member_update> crowd;
  for (int i = 0; i < 1000; ++i)
    crowd.push_back(mu("m" + std::to_string(i), 1, member_status::alive, "m"));
  t.a.receive_typed(swim_sync{"b", false, crowd}, "b");
  t.a.set_peers({"b", "c"}); // as the node's view has it
  t.a.receive_typed(swim_gossip{"b", {mu("a", 1, member_status::suspect, "b")}}, "b");
  t.a.clear_records();
  for (int r = 0; r < 10; ++r)
    t.a_round();
  size_t sends = 0;
  for (auto& e : t.a.log)
    if (e.kind == envelope::send) {
      ++sends;
      EXPECT_TRUE(e.to == "b" || e.to == "c") << e.to;
    }
  EXPECT_GT(sends, 0u);
  EXPECT_EQ(member(t.b, "a")->incarnation, 2u) << "the refutation reached b";
  EXPECT_EQ(member(t.c, "a")->incarnation, 2u) << "and c";
}

TEST(Swim, AVerdictAboutAnOlderIncarnationIsIgnored) {
  trio t;
  t.a.receive_typed(swim_gossip{"b", {mu("c", 0, member_status::dead, "b")}}, "b");
  EXPECT_TRUE(t.a.events.empty());
  EXPECT_EQ(member(t.a, "c")->state(), member_status::alive);
}

TEST(Swim, AGracefulLeaveTakesTheMemberOutEverywhere) {
  trio t;
  t.c.leave();
  auto bye = t.c.sent<swim_sync>();
  ASSERT_EQ(bye.size(), 2u);
  ASSERT_EQ(bye[0].members.size(), 1u);
  EXPECT_EQ(bye[0].members[0].state(), member_status::left);
  EXPECT_EQ(bye[0].members[0].incarnation, 2u);
  t.net.settle();
  for (auto n : {&t.a, &t.b}) {
    EXPECT_EQ(n->downs, std::vector<std::string>{"c"});
    EXPECT_EQ(n->events_of(event_kind::member_left).size(), 1u);
    EXPECT_FALSE(contains(n->peers(), "c"));
  }
  auto sent = t.c.log.size();
  t.c.tick();
  EXPECT_EQ(t.c.log.size(), sent); // a leaving node is silent
  t.c.leave();
  EXPECT_EQ(t.c.log.size(), sent); // and leaves once
}

TEST(Swim, JoiningThroughASeedAddressMeetsTheCluster) {
  fake_network net;
  auto& a = at(net, "a", 1);
  auto& b = at(net, "b", 2);
  a.add("swim");
  b.add("swim", {{"seeds", "10.0.0.1:7000"}});
  a.tick();
  b.tick();
  auto joins = b.sent<swim_sync>(envelope::to_address);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_TRUE(joins[0].reply);
  net.settle();
  ASSERT_FALSE(a.ups.empty());
  EXPECT_EQ(a.ups[0].name, "b");
  EXPECT_EQ(a.ups[0].address, "10.0.0.2:7000");
  EXPECT_EQ(a.peers(), std::vector<std::string>{"b"});
  // a's answer went back to b, which now knows a and its address.
  EXPECT_EQ(a.replied<swim_sync>().size(), 1u);
  ASSERT_FALSE(b.ups.empty());
  EXPECT_EQ(b.ups[0].name, "a");
  EXPECT_EQ(b.ups[0].address, "10.0.0.1:7000");
  EXPECT_EQ(b.peers(), std::vector<std::string>{"a"});
  for (int i = 0; i < 5; ++i)
    net.round();
  EXPECT_EQ(b.sent<swim_sync>(envelope::to_address).size(), 1u); // joined
}

/// Rounds from `n`'s first ping to `target` to its first ping_req about it.
int rounds_to_indirect(fake_network& net, fake_node& n, const std::string& target) {
  n.clear_records();
  int pinged = -1;
  for (int round = 0; round < 60; ++round) {
    net.round();
    if (pinged < 0 && contains(n.targets<swim_ping>(), target))
      pinged = round;
    for (auto& req : n.sent<swim_ping_req>())
      if (req.target == target)
        return pinged < 0 ? -1 : round - pinged;
  }
  return -1;
}

// Lifeguard's local health, raised for a joiner: it is about to connect to
// every member at once, and its first probes get more time; a node of a
// static cluster starts healthy (AFailedProbeGoesIndirectThenSuspects: one
// round).
TEST(Swim, AJoiningNodeGivesItsFirstProbesMoreTime) {
  fake_network net;
  auto& a = at(net, "a", 1);
  auto& b = at(net, "b", 2);
  auto& c = at(net, "c", 3);
  a.add("swim");
  b.add("swim", {{"seeds", "10.0.0.1:7000"}});
  c.add("swim", {{"seeds", "10.0.0.1:7000"}});
  for (int i = 0; i < 3; ++i)
    net.round();
  ASSERT_EQ(member(c, "b")->state(), member_status::alive);
  net.down = {"b"};
  EXPECT_GE(rounds_to_indirect(net, c, "b"), 2);
}

// A joiner got the table as its seed knew it then: it exchanges tables with
// members 1, 2, 3, 4, 8 and 16 rounds after joining (in a join storm most
// members join after it), then only every --sync-every rounds; the seed, a node
// that joined nobody, does not catch up.
TEST(Swim, AJoinerCatchesUpWithFullTableExchanges) {
  fake_network net;
  auto& a = at(net, "a", 1);
  auto& b = at(net, "b", 2);
  a.add("swim", {{"sync-every", "100"}});
  b.add("swim", {{"seeds", "10.0.0.1:7000"}, {"sync-every", "100"}});
  std::vector<uint64_t> b_syncs;
  size_t seen = 0;
  for (uint64_t round = 1; round <= 40; ++round) {
    net.round();
    auto syncs = b.sent<swim_sync>();
    for (; seen < syncs.size(); ++seen)
      if (syncs[seen].reply)
        b_syncs.push_back(round);
  }
  ASSERT_EQ(b_syncs.size(), 6u);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(b_syncs[i] - b_syncs[0], (std::vector<uint64_t>{0, 1, 2, 3, 7, 15}[i]));
  auto a_asks = a.sent<swim_sync>();
  EXPECT_TRUE(std::none_of(a_asks.begin(), a_asks.end(),
                           [](const swim_sync& m) { return m.reply; }));
}

TEST(Swim, APingBeforeTheFirstRoundDoesNotStopTheJoin) {
  // Restarted at once on its old port, a node is probed by members that
  // still know the address before it has asked its seed for the table.
  fake_node b{"b"};
  b.add("swim", {{"seeds", "10.0.0.1:7000"}});
  b.receive_typed(swim_ping{"a", 7, {}}, "a");
  ASSERT_EQ(b.replied<swim_ack>().size(), 1u);
  b.tick();
  EXPECT_EQ(b.sent<swim_sync>(envelope::to_address).size(), 1u);
}

TEST(Swim, UnansweredJoinsBackOff) {
  fake_node b{"b"};
  b.add("swim", {{"seeds", "10.0.0.1:7000,10.0.0.3:7000"}});
  std::vector<uint64_t> rounds;
  for (int i = 0; i < 9; ++i) {
    auto before = b.sent<swim_sync>(envelope::to_address).size();
    b.tick();
    auto after = b.sent<swim_sync>(envelope::to_address).size();
    if (after > before) {
      EXPECT_EQ(after - before, 2u); // every seed
      rounds.push_back(b.round());
    }
  }
  EXPECT_EQ(rounds, (std::vector<uint64_t>{1, 2, 4, 8}));
}

TEST(Swim, ABadMemberUpdateIsDroppedTheRestApplied) {
  trio t;
  auto bad = mu("d", 1, member_status::alive);
  bad.status = 9;
  t.a.receive_typed(swim_gossip{"b", {bad, mu("e", 1, member_status::alive)}}, "b");
  ASSERT_EQ(t.a.rejected_items.size(), 1u);
  EXPECT_FALSE(member(t.a, "d"));
  ASSERT_TRUE(member(t.a, "e"));
  EXPECT_TRUE(contains(t.a.peers(), "e"));
}

TEST(Swim, APingWithoutASenderIsNotAnswered) {
  trio t;
  t.a.receive_typed(swim_ping{"", 1, {}}, "b");
  EXPECT_EQ(t.a.rejected.size(), 1u);
  EXPECT_TRUE(t.a.log.empty());
}

// Anyone can claim that a member lives at some address. The node that hears
// the claim may try it itself, but passes the address on only once it is
// verified (a message from the member came through our connection there):
// otherwise one claim would make every node connect wherever it says.
TEST(Swim, AClaimedAddressIsPassedOnOnlyOnceVerified) {
  trio t;
  auto& d = t.net.add("d"); // answers a's probes; gossips no address of its own
  d.add("swim");
  t.a.verify_all = false;
  auto claim = mu("d", 1, member_status::alive);
  claim.address = "10.9.9.9:1";
  t.a.receive_typed(swim_gossip{"b", {claim}}, "b");
  ASSERT_FALSE(t.a.ups.empty());
  EXPECT_EQ(t.a.ups.back().address, "10.9.9.9:1"); // a may try it itself
  for (int i = 0; i < 12; ++i) // past every retransmission of the claim
    t.net.round();
  auto at_c = member(t.c, "d");
  ASSERT_TRUE(at_c); // the member is news, its address is not
  EXPECT_EQ(at_c->state(), member_status::alive);
  EXPECT_EQ(at_c->address, "");
  t.a.receive_typed(swim_sync{"b", true, {}}, "b");
  auto answers = t.a.replied<swim_sync>();
  ASSERT_FALSE(answers.empty());
  for (auto& m : answers.back().members) {
    if (m.name == "d") {
      EXPECT_EQ(m.address, "");
    }
  }
  // Verified now: the address travels on and c takes it.
  t.a.verified_at.insert("d@10.9.9.9:1");
  t.c.ups.clear();
  for (int i = 0; i < 3; ++i)
    t.net.round();
  at_c = member(t.c, "d");
  ASSERT_TRUE(at_c);
  EXPECT_EQ(at_c->address, "10.9.9.9:1");
  ASSERT_FALSE(t.c.ups.empty());
  EXPECT_EQ(t.c.ups.back().address, "10.9.9.9:1");
}

// The rescan for newly verified addresses runs only when the port's
// verification epoch or the member table changed: a port that verifies an
// address says so by moving the epoch, and until then nothing is rescanned.
TEST(Swim, ANewlyVerifiedAddressTravelsOnOnceThePortMovesItsEpoch) {
  trio t;
  auto& d = t.net.add("d");
  d.add("swim");
  t.a.verify_all = false;
  t.a.epoch = 7;
  auto claim = mu("d", 1, member_status::alive);
  claim.address = "10.9.9.9:1";
  t.a.receive_typed(swim_gossip{"b", {claim}}, "b");
  for (int i = 0; i < 12; ++i)
    t.net.round();
  t.a.verified_at.insert("d@10.9.9.9:1"); // verified, the epoch unchanged
  for (int i = 0; i < 12; ++i)
    t.net.round();
  auto at_c = member(t.c, "d");
  ASSERT_TRUE(at_c);
  EXPECT_EQ(at_c->address, "");
  t.a.epoch = 8;
  for (int i = 0; i < 3; ++i)
    t.net.round();
  at_c = member(t.c, "d");
  ASSERT_TRUE(at_c);
  EXPECT_EQ(at_c->address, "10.9.9.9:1");
}

TEST(Swim, ANodeAlwaysPassesOnItsOwnAddress) {
  fake_network net;
  auto& a = at(net, "a", 1);
  auto& b = at(net, "b", 2);
  a.verify_all = b.verify_all = false;
  a.add("swim");
  b.add("swim", {{"seeds", "10.0.0.1:7000"}});
  a.tick();
  b.tick();
  net.settle();
  ASSERT_FALSE(a.ups.empty());
  EXPECT_EQ(a.ups[0].address, "10.0.0.2:7000");
  ASSERT_FALSE(b.ups.empty());
  EXPECT_EQ(b.ups[0].address, "10.0.0.1:7000");
}
