// HyParView's parts through a fake port: the view bookkeeping on its own,
// each message's rule, hostile input and the parameters. Whole overlays are
// in hyparview_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "fake_port.hpp"
#include "gossip/hyparview.hpp"
#include "gossip/membership.hpp"
#include "hyparview_helpers.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {} // namespace

// -- the views ----------------------------------------------------------------

namespace {

struct HyParViewViews : ::testing::Test {
  partial_views v{2, 3};
  rng_type rng{1};
  HyParViewViews() { v.set_self("me"); }
  std::set<std::string> passive() const {
    std::set<std::string> names;
    for (auto& x : v.passive())
      names.insert(x.name);
    return names;
  }
};

} // namespace

TEST_F(HyParViewViews, NeverHoldSelfAndNeverShareAPeer) {
  EXPECT_FALSE(v.add_active({"me", ""}, rng).is_new);
  v.add_passive({"me", ""}, rng);
  v.add_passive({"a", ""}, rng);
  EXPECT_TRUE(v.add_active({"a", ""}, rng).is_new);
  v.add_passive({"a", ""}, rng);
  EXPECT_TRUE(v.passive().empty()) << "active and passive at once";
  EXPECT_TRUE(v.active().size() == 1 && v.active()[0].name == "a");
}

TEST_F(HyParViewViews, AFullActiveViewMovesARandomPeerToPassive) {
  v.add_active({"a", ""}, rng);
  v.add_active({"b", ""}, rng);
  auto r = v.add_active({"c", ""}, rng);
  ASSERT_TRUE(r.is_new && r.evicted);
  EXPECT_EQ(v.active().size(), 2u);
  EXPECT_TRUE(v.find_passive(r.evicted->name) && !v.find_active(r.evicted->name));
}

TEST_F(HyParViewViews, AnActivePeerKeepsItsAddress) {
  v.add_active({"a", "10.0.0.1:7000"}, rng);
  EXPECT_FALSE(v.add_active({"a", "6.6.6.6:1"}, rng).is_new);
  v.merge({{"a", "6.6.6.6:1"}}, {}, rng);
  EXPECT_EQ(v.find_active("a")->address, "10.0.0.1:7000");
  EXPECT_EQ(v.find_passive("a"), nullptr);
}

TEST_F(HyParViewViews, MergeEvictsWhatWasSentFirst) {
  for (auto n : {"a", "b", "c"})
    v.add_passive({n, ""}, rng);
  v.merge({{"x", ""}, {"y", ""}}, {"a", "c"}, rng);
  EXPECT_EQ(passive(), (std::set<std::string>{"b", "x", "y"}));
}

TEST_F(HyParViewViews, LostPeersAreBoundedAndLeaveThePassiveView) {
  v.add_passive({"a", ""}, rng);
  for (auto n : {"a", "b", "c", "d"})
    v.add_lost({n, ""});
  EXPECT_TRUE(v.passive().empty());
  ASSERT_EQ(v.lost().size(), 3u);
  EXPECT_EQ(v.lost()[0].name, "b"); // oldest forgotten first
  v.add_active({"c", ""}, rng);
  EXPECT_EQ(v.lost().size(), 2u);
}

// -- the messages -------------------------------------------------------------

namespace {

/// A hyparview node "me" whose active view holds `n` peers p0..p<n-1>.
struct lone {
  fake_node me{"me"};
  explicit lone(size_t n, const params& ps = {}) {
    me.add("hyparview", ps);
    for (size_t i = 0; i < n; ++i) {
      auto name = "p" + std::to_string(i);
      me.receive_typed(hv_neighbor{name, "", false}, name);
    }
    me.clear_records();
  }
  bool accepted_last() { return me.replied<hv_neighbor_reply>().back().accepted; }
  /// Passive candidates, as a shuffle from p0 that ends here brings them.
  void candidates(std::vector<hv_peer> xs) {
    me.receive_typed(hv_shuffle{"p0", {"p0", ""}, 0, std::move(xs)}, "p0");
    me.clear_records();
  }
};

} // namespace

TEST(HyParView, LowPriorityNeighborIsRejectedWhenFullHighIsAccepted) {
  lone l{5};
  ASSERT_EQ(l.me.peers().size(), 5u);
  l.me.receive_typed(hv_neighbor{"low", "", false}, "low");
  EXPECT_FALSE(l.accepted_last());
  EXPECT_FALSE(contains(l.me.peers(), "low"));
  l.me.receive_typed(hv_neighbor{"high", "", true}, "high");
  EXPECT_TRUE(l.accepted_last());
  EXPECT_TRUE(contains(l.me.peers(), "high"));
  EXPECT_EQ(l.me.peers().size(), 5u);
  // The peer it made room by is told so, and dropped through the port.
  auto bye = l.me.targets<hv_disconnect>();
  ASSERT_EQ(bye.size(), 1u);
  EXPECT_EQ(l.me.downs, std::vector<std::string>{bye[0]});
  EXPECT_TRUE(contains(passive_of(l.me), bye[0]));
}

// An acceptance nobody asked for fills a free slot (a walk's end takes a
// joiner in unasked) but never evicts a neighbour; an asked one may.
TEST(HyParView, AnUnaskedAcceptanceNeverEvictsANeighbour) {
  lone l{4, params{{"shuffle-every", "0"}}};
  l.me.receive_typed(hv_neighbor_reply{"w", "", true}, "w"); // a free slot
  EXPECT_TRUE(contains(l.me.peers(), "w"));
  auto before = l.me.peers();
  l.me.receive_typed(hv_neighbor_reply{"stranger", "", true}, "stranger");
  EXPECT_EQ(l.me.peers(), before);
  EXPECT_TRUE(l.me.targets<hv_disconnect>().empty());
  EXPECT_EQ(l.me.rejected_items.size(), 1u);
  // Asked, the answer is taken even into a full view.
  l.candidates({{"c", ""}});
  l.me.proto().link_lost(l.me, "p0");
  l.me.tick();
  ASSERT_EQ(l.me.targets<hv_neighbor>(), std::vector<std::string>{"c"});
  l.me.receive_typed(hv_neighbor_reply{"y", "", true}, "y"); // unasked: the free slot
  ASSERT_EQ(l.me.peers().size(), 5u);
  l.me.receive_typed(hv_neighbor_reply{"c", "", true}, "c");
  EXPECT_TRUE(contains(l.me.peers(), "c"));
  EXPECT_EQ(l.me.peers().size(), 5u);
}

// A request held for its dial does not expire: its acceptance, however
// late, is one we asked for, and is taken even into a full view.
TEST(HyParView, ARequestWaitingForItsDialIsStillAsked) {
  // No silence timeout (the lone node's peers never answer): an answer then
  // has 2 rounds.
  lone l{5, params{{"shuffle-every", "0"}, {"timeout", "0"}}};
  l.candidates({{"c", ""}});
  l.me.proto().link_lost(l.me, "p0");
  l.me.dialing = {"c"};
  l.me.tick();
  ASSERT_EQ(l.me.targets<hv_neighbor>(), std::vector<std::string>{"c"});
  for (int i = 0; i < 6; ++i) // three times the time an answer has
    l.me.tick();
  l.me.receive_typed(hv_neighbor_reply{"y", "", true}, "y"); // unasked: the free slot
  ASSERT_EQ(l.me.peers().size(), 5u);
  l.me.dialing.clear();
  l.me.receive_typed(hv_neighbor_reply{"c", "", true}, "c");
  EXPECT_TRUE(contains(l.me.peers(), "c"));
  EXPECT_EQ(l.me.peers().size(), 5u);
}

TEST(HyParView, JoinContactForwardsTheJoinerToItsOtherPeers) {
  lone l{3};
  l.me.receive_typed(hv_join{"j", ""}, "j");
  EXPECT_TRUE(contains(l.me.peers(), "j"));
  EXPECT_TRUE(l.accepted_last());
  auto walks = l.me.sent<hv_forward_join>();
  ASSERT_EQ(walks.size(), 3u);
  for (auto& w : walks) {
    EXPECT_EQ(w.joiner.name, "j");
    EXPECT_EQ(w.ttl, 6u);
  }
  EXPECT_FALSE(contains(l.me.targets<hv_forward_join>(), "j"));
}

// A JOIN at a full contact evicts no settled neighbour: the joiner stays as
// a guest beyond the view's size while its walks (as many as the paper's,
// over settled neighbours only) bring it links of its own, then leaves.
TEST(HyParView, AJoinAtAFullContactEvictsNobody) {
  lone l{5, params{{"shuffle-every", "0"}, {"timeout", "0"}}};
  l.me.receive_typed(hv_join{"j", ""}, "j");
  EXPECT_TRUE(l.accepted_last());
  EXPECT_EQ(l.me.peers().size(), 6u);
  EXPECT_TRUE(l.me.targets<hv_disconnect>().empty());
  auto walks = l.me.targets<hv_forward_join>();
  EXPECT_EQ(walks.size(), 4u);
  EXPECT_FALSE(contains(walks, "j"));
  // The next joiner's walks go around the guest.
  l.me.clear_records();
  l.me.receive_typed(hv_join{"k", ""}, "k");
  walks = l.me.targets<hv_forward_join>();
  EXPECT_EQ(walks.size(), 4u);
  EXPECT_FALSE(contains(walks, "j") || contains(walks, "k"));
  // Two rounds later (the time an answer has) both guests leave.
  for (int i = 0; i < 3; ++i)
    l.me.tick();
  auto bye = l.me.targets<hv_disconnect>();
  EXPECT_EQ(std::set<std::string>(bye.begin(), bye.end()),
            (std::set<std::string>{"j", "k"}));
  EXPECT_EQ(l.me.peers(), (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4"}));
  EXPECT_TRUE(contains(passive_of(l.me), "j"));
}

// A storm of JOINs (a cluster's start, or forged ones) cuts no settled link:
// joiners take at most as many guest slots as the view has, then each other's.
TEST(HyParView, AStormOfJoinsCutsNoSettledLink) {
  lone l{5, params{{"shuffle-every", "0"}, {"timeout", "0"}}};
  for (int i = 0; i < 20; ++i) {
    auto name = "j" + std::to_string(i);
    l.me.receive_typed(hv_join{name, ""}, name);
  }
  auto peers = l.me.peers();
  EXPECT_EQ(peers.size(), 10u);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(contains(peers, "p" + std::to_string(i)));
  for (auto& out : l.me.targets<hv_disconnect>())
    EXPECT_EQ(out[0], 'j') << out;
  // Another kind of newcomer takes a settled slot as before: no guest goes.
  l.me.clear_records();
  l.me.receive_typed(hv_neighbor{"high", "", true}, "high");
  auto bye = l.me.targets<hv_disconnect>();
  ASSERT_EQ(bye.size(), 1u);
  EXPECT_EQ(bye[0][0], 'p');
  EXPECT_EQ(l.me.peers().size(), 10u);
}

TEST(HyParView, ForwardJoinEndsInAnActiveLinkOrPassesOn) {
  lone l{3};
  l.me.receive_typed(hv_forward_join{"p0", {"j", ""}, 4}, "p0");
  auto next = l.me.targets<hv_forward_join>();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0], "p0");
  EXPECT_EQ(l.me.sent<hv_forward_join>()[0].ttl, 3u);
  EXPECT_FALSE(contains(l.me.peers(), "j"));
  // At ttl == prwl the joiner is also kept as a candidate.
  l.me.receive_typed(hv_forward_join{"p0", {"k", ""}, 3}, "p0");
  EXPECT_TRUE(contains(passive_of(l.me), "k"));
  // At ttl 0 the walk ends: the joiner becomes a neighbour and hears so.
  l.me.receive_typed(hv_forward_join{"p0", {"j", ""}, 0}, "p0");
  EXPECT_TRUE(contains(l.me.peers(), "j"));
  auto accepts = l.me.sent<hv_neighbor_reply>(envelope::send, "j");
  ASSERT_EQ(accepts.size(), 1u);
  EXPECT_TRUE(accepts[0].accepted);
}

TEST(HyParView, HeartbeatFromANonNeighbourIsAnsweredWithDisconnect) {
  lone l{1};
  l.me.receive_typed(hv_heartbeat{"p0"}, "p0");
  EXPECT_TRUE(l.me.replied<hv_disconnect>().empty());
  l.me.receive_typed(hv_heartbeat{"stranger"}, "stranger");
  EXPECT_EQ(l.me.replied<hv_disconnect>().size(), 1u);
  EXPECT_FALSE(contains(l.me.peers(), "stranger"));
}

TEST(HyParView, DisconnectMovesThePeerToPassive) {
  lone l{2};
  l.me.receive_typed(hv_disconnect{"p1"}, "p1");
  EXPECT_EQ(l.me.peers(), std::vector<std::string>{"p0"});
  EXPECT_TRUE(contains(passive_of(l.me), "p1"));
  ASSERT_EQ(l.me.events_of(event_kind::member_left).size(), 1u);
  EXPECT_EQ(l.me.events_of(event_kind::member_left)[0].peer, "p1");
}

TEST(HyParView, ASilentNeighbourFailsAndAPassivePeerIsAsked) {
  // A view of 2: one left is not under half of it (a low-priority ask).
  lone l{2, params{{"timeout", "3"}, {"shuffle-every", "0"}, {"active", "2"}}};
  l.candidates({{"c1", ""}, {"c2", ""}});
  for (int i = 0; i < 4; ++i) {
    l.me.tick();
    l.me.receive_typed(hv_heartbeat{"p0"}, "p0"); // p1 stays silent
  }
  EXPECT_EQ(l.me.peers(), std::vector<std::string>{"p0"});
  EXPECT_EQ(l.me.downs, std::vector<std::string>{"p1"});
  // The dead peer is no repair candidate; a passive one is asked instead.
  EXPECT_FALSE(contains(passive_of(l.me), "p1"));
  auto asked = l.me.targets<hv_neighbor>();
  ASSERT_FALSE(asked.empty());
  EXPECT_TRUE(asked[0] == "c1" || asked[0] == "c2");
  EXPECT_FALSE(l.me.sent<hv_neighbor>()[0].high); // p0 is still there
}

TEST(HyParView, LinkLostOfTheLastPeerAsksWithHighPriority) {
  lone l{1, params{{"shuffle-every", "0"}}};
  l.candidates({{"c1", ""}});
  l.me.proto().link_lost(l.me, "p0");
  EXPECT_TRUE(l.me.peers().empty());
  l.me.tick();
  auto asks = l.me.sent<hv_neighbor>();
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_TRUE(asks[0].high);
  EXPECT_EQ(l.me.targets<hv_neighbor>()[0], "c1");
}

// Beyond the paper: under half its view, a node asks with high priority,
// one request at a time; two nodes left with only each other (a join storm
// leaves such pairs) would be refused by every full view forever.
TEST(HyParView, ANodeWithUnderHalfItsViewAsksWithHighPriority) {
  lone l{3, params{{"shuffle-every", "0"}}};
  l.candidates({{"c1", ""}, {"c2", ""}, {"c3", ""}, {"c4", ""}});
  l.me.tick();
  auto asks = l.me.sent<hv_neighbor>();
  ASSERT_EQ(asks.size(), 2u); // 3 of 5
  EXPECT_FALSE(asks[0].high || asks[1].high);
  l.me.proto().link_lost(l.me, "p0"); // 2 of 5: under half
  asks = l.me.sent<hv_neighbor>();
  ASSERT_EQ(asks.size(), 3u);
  EXPECT_TRUE(asks[2].high);
  l.me.proto().link_lost(l.me, "p1"); // 1 of 5, a high request is out
  asks = l.me.sent<hv_neighbor>();
  ASSERT_EQ(asks.size(), 4u);
  EXPECT_FALSE(asks[3].high);
}

TEST(HyParView, ShuffleEndsWhereTheWalkStopsAndBothSidesMerge) {
  lone l{1}; // only the sender is active: the walk ends here
  l.candidates({{"old", ""}});
  l.me.receive_typed(hv_shuffle{"p0", {"o", ""}, 5, {{"o", ""}, {"x", ""}, {"me", ""}}},
                     "p0");
  auto back = l.me.sent<hv_shuffle_reply>(envelope::send, "o");
  ASSERT_EQ(back.size(), 1u);
  ASSERT_EQ(back[0].entries.size(), 1u);
  EXPECT_EQ(back[0].entries[0].name, "old");
  auto passive = passive_of(l.me);
  EXPECT_TRUE(contains(passive, "o") && contains(passive, "x"));
  EXPECT_FALSE(contains(passive, "me"));
}

TEST(HyParView, HostileMessagesAreRejectedBeforeTheyTouchTheViews) {
  lone l{2};
  std::vector<hv_peer> many;
  for (int i = 0; i < 33; ++i)
    many.push_back({"x" + std::to_string(i), ""});
  l.me.receive_typed(hv_shuffle{"p0", {"o", ""}, 1, many}, "p0");
  l.me.receive_typed(hv_shuffle{"p0", {"o", ""}, 17, {}}, "p0");
  l.me.receive_typed(hv_forward_join{"p0", {"j", ""}, 1000}, "p0");
  l.me.receive_typed(hv_shuffle_reply{"p0", {{"", ""}}}, "p0");
  l.me.receive_typed(hv_shuffle_reply{"p0", {{"y", "no port"}}}, "p0");
  l.me.receive_typed(hv_neighbor{"", "", true}, "?");
  l.me.receive_typed(hv_join{std::string(300, 'n'), ""}, "?");
  l.me.receive_typed(hv_neighbor{"z", "host:99999", true}, "z");
  EXPECT_EQ(l.me.rejected.size(), 8u);
  EXPECT_TRUE(passive_of(l.me).empty());
  EXPECT_EQ(l.me.peers().size(), 2u);
  EXPECT_TRUE(l.me.log.empty());
  // Well-formed but naming ourselves: ignored, never added.
  l.me.receive_typed(hv_join{"me", ""}, "me");
  l.me.receive_typed(hv_neighbor{"me", "", true}, "me");
  l.me.receive_typed(hv_forward_join{"p0", {"me", ""}, 0}, "p0");
  l.me.receive_typed(hv_shuffle_reply{"p0", {{"me", ""}}}, "p0");
  EXPECT_FALSE(contains(l.me.peers(), "me"));
  EXPECT_FALSE(contains(passive_of(l.me), "me"));
}

TEST(HyParView, SeedsAreJoinedByAddressUntilSomeoneTakesUsIn) {
  fake_network net;
  auto& seed = net.add("seed");
  seed.addr = "10.0.0.1:7000";
  seed.add("hyparview");
  auto& n = net.add("n");
  n.addr = "10.0.0.2:7000";
  n.add("hyparview", params{{"seeds", "10.0.0.1:7000"}});
  net.round();
  EXPECT_EQ(n.sent<hv_join>(envelope::to_address).size(), 1u);
  EXPECT_EQ(n.peers(), std::vector<std::string>{"seed"});
  EXPECT_EQ(seed.peers(), std::vector<std::string>{"n"});
  EXPECT_EQ(seed.ups.back().address, "10.0.0.2:7000");
  net.round();
  EXPECT_EQ(n.sent<hv_join>(envelope::to_address).size(), 1u) << "joined: no retry";
}

namespace {

/// A node that joined its seed (one JOIN out) and was joined at once by
/// five nodes of its own: its view is full of them.
void joined_and_full(fake_node& me) {
  me.addr = "10.0.0.2:7000";
  me.add("hyparview",
         params{{"seeds", "10.0.0.1:7000"}, {"shuffle-every", "0"}, {"timeout", "0"}});
  me.tick();
  ASSERT_EQ(me.sent<hv_join>(envelope::to_address).size(), 1u);
  for (int i = 0; i < 5; ++i) {
    auto name = "s" + std::to_string(i);
    me.receive_typed(hv_join{name, ""}, name);
  }
  ASSERT_EQ(me.peers().size(), 5u);
}

} // namespace

// Our JOIN asked: its walks' ends accept us unasked, and are taken even
// into a full view (here one filled by joiners of our own, as a process's
// first node is joined by its other nodes while it joins a remote seed),
// as many as its walks can bring and while they can come.
TEST(HyParView, TheWalksOfOurJoinAreTakenIntoAFullView) {
  fake_node me{"me"};
  joined_and_full(me);
  me.clear_records();
  for (int i = 0; i < 6; ++i) {
    auto name = "w" + std::to_string(i);
    me.receive_typed(hv_neighbor_reply{name, "", true}, name);
  }
  // The first five came in, each for a random one of the view; the sixth
  // is one too many.
  std::vector<std::string> up;
  for (auto& u : me.ups)
    up.push_back(u.name);
  EXPECT_EQ(up, (std::vector<std::string>{"w0", "w1", "w2", "w3", "w4"}));
  EXPECT_EQ(me.peers().size(), 5u);
  EXPECT_EQ(me.targets<hv_disconnect>().size(), 5u);
  EXPECT_EQ(me.rejected_items.size(), 1u);
}

// And once they had their time, an unasked acceptance evicts nobody again.
TEST(HyParView, TheWalksOfOurJoinHaveTheirTime) {
  fake_node me{"me"};
  joined_and_full(me);
  for (int i = 0; i < 12; ++i) // verify_within (8) + answer_within (2) rounds
    me.tick();
  auto before = me.peers();
  me.receive_typed(hv_neighbor_reply{"late", "", true}, "late");
  EXPECT_EQ(me.peers(), before);
  EXPECT_EQ(me.rejected_items.size(), 1u);
}

TEST(HyParView, MembersAnswerSelfFirstThenTheActiveView) {
  lone l{2};
  auto r = l.me.request(caf::make_message(members_atom::value));
  ASSERT_TRUE(r && as<std::vector<member_update>>(*r));
  auto& ms = *as<std::vector<member_update>>(*r);
  ASSERT_EQ(ms.size(), 3u);
  EXPECT_EQ(ms[0].name, "me");
  EXPECT_EQ(ms[1].name, "p0");
  EXPECT_EQ(ms[2].name, "p1");
}

TEST(HyParView, ParametersAreChecked) {
  EXPECT_THROW(make_protocol("hyparview", params{{"prwl", "7"}}), std::invalid_argument);
  EXPECT_THROW(make_protocol("hyparview", params{{"arwl", "17"}}), std::invalid_argument);
  EXPECT_THROW(make_protocol("hyparview", params{{"active", "0"}}),
               std::invalid_argument);
  EXPECT_THROW(make_protocol("hyparview", params{{"shuffle-passive", "40"}}),
               std::invalid_argument);
  EXPECT_THROW(make_protocol("hyparview", params{{"heartbeat", "0"}}),
               std::invalid_argument);
  EXPECT_NO_THROW(
      make_protocol("hyparview", params{{"heartbeat", "0"}, {"timeout", "0"}}));
  auto p = make_protocol("hyparview", {});
  auto m = dynamic_cast<membership_protocol*>(p.get());
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->partial_view());
  EXPECT_EQ(p->pending(), 0u);
}

TEST(HyParView, NonNeighboursWithAnAddressAreReachedThere) {
  lone l{1, params{{"shuffle-every", "0"}}};
  l.me.receive_typed(
      hv_shuffle{"p0", {"o", "10.0.0.9:7000"}, 1, {{"c", "10.0.0.3:7000"}}}, "p0");
  auto back = l.me.sent<hv_shuffle_reply>(envelope::to_address, "10.0.0.9:7000");
  EXPECT_EQ(back.size(), 1u);
  l.me.proto().link_lost(l.me, "p0");
  l.me.tick(); // alone: ask a candidate, at its address
  auto asks = l.me.sent<hv_neighbor>(envelope::to_address);
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_TRUE(asks[0].high);
  // Once it is a neighbour, messages go through its link, by name.
  l.me.receive_typed(hv_neighbor_reply{"o", "10.0.0.9:7000", true}, "o");
  EXPECT_EQ(l.me.ups.back().address, "10.0.0.9:7000");
  l.me.tick();
  EXPECT_FALSE(l.me.sent<hv_heartbeat>(envelope::send, "o").empty());
}

TEST(HyParView, ShufflesPassOnlyVerifiedAddressesOfNeighbours) {
  lone l{
      0,
      params{{"shuffle-active", "1"}, {"shuffle-passive", "0"}, {"shuffle-every", "1"}}};
  l.me.verify_all = false;
  l.me.addr = "10.0.0.1:7000";
  l.me.receive_typed(hv_neighbor{"a", "10.0.0.2:7000", false}, "a");
  l.me.receive_typed(hv_neighbor{"b", "10.0.0.3:7000", false}, "b");
  l.me.verified_at.insert("a@10.0.0.2:7000");
  for (int i = 0; i < 6; ++i)
    l.me.tick();
  for (auto& s : l.me.sent<hv_shuffle>()) {
    EXPECT_EQ(s.entries.front().address, "10.0.0.1:7000"); // our own, always
    for (size_t i = 1; i < s.entries.size(); ++i) {
      auto& x = s.entries[i];
      EXPECT_EQ(x.address, x.name == "a" ? "10.0.0.2:7000" : "") << x.name;
    }
  }
  EXPECT_FALSE(l.me.sent<hv_shuffle>().empty());
}

// -- trust: what a remote peer's word may cost ---------------------------------

TEST(HyParView, ItsControlsNeedTheInProcessTag) {
  fake_node n{"n"};
  n.add("hyparview", params{{"shuffle-every", "0"}});
  // What a remote peer could send: no answer, no join.
  EXPECT_FALSE(n.request(caf::make_message(hv_passive_atom::value)));
  EXPECT_FALSE(n.request(caf::make_message(hv_join_atom::value, std::string{"c"})));
  n.tick();
  EXPECT_TRUE(n.sent<hv_join>().empty());
  // The node's own process may.
  EXPECT_TRUE(n.request(caf::make_message(in_process, hv_passive_atom::value)));
  n.request(caf::make_message(in_process, hv_join_atom::value, std::string{"c"}));
  EXPECT_EQ(n.targets<hv_join>(), std::vector<std::string>{"c"});
}

namespace {

// Rounds go by without keepalives failing p0..p2 (they never answer here).
const params quiet{{"timeout", "0"}, {"shuffle-every", "0"}, {"mix-every", "0"}};

} // namespace

TEST(HyParView, AJoinersAddressIsWalkedOnlyOnceTheContactVerifiedIt) {
  lone l{3, quiet};
  l.me.verify_all = false;
  l.me.receive_typed(hv_join{"j", "10.0.0.9:7000"}, "j");
  // The contact takes the joiner in and dials it itself (to verify it)...
  EXPECT_TRUE(l.accepted_last());
  EXPECT_EQ(l.me.ups.back().address, "10.0.0.9:7000");
  // ... but sends nobody else there before that succeeded.
  for (int i = 0; i < 3; ++i)
    l.me.tick();
  EXPECT_TRUE(l.me.sent<hv_forward_join>().empty());
  l.me.verified_at.insert("j@10.0.0.9:7000");
  l.me.tick();
  auto walks = l.me.sent<hv_forward_join>();
  ASSERT_EQ(walks.size(), 3u);
  for (auto& w : walks)
    EXPECT_EQ(w.joiner.address, "10.0.0.9:7000");
  l.me.tick();
  EXPECT_EQ(l.me.sent<hv_forward_join>().size(), 3u) << "walked once";
}

namespace {

/// A JOIN claiming an address the contact never verifies, and 30 rounds.
void forged_join(lone& l) {
  l.me.verify_all = false;
  l.me.receive_typed(hv_join{"j", "6.6.6.6:1"}, "j");
  for (int i = 0; i < 30; ++i)
    l.me.tick();
}

} // namespace

TEST(HyParView, AForgedJoinsAddressIsNeverWalked) {
  lone l{3, quiet};
  forged_join(l);
  EXPECT_TRUE(l.me.sent<hv_forward_join>().empty());
  // Verified only after the contact gave up: still no walk.
  l.me.verified_at.insert("j@6.6.6.6:1");
  l.me.tick();
  EXPECT_TRUE(l.me.sent<hv_forward_join>().empty());
}

// At a full contact too: the unverified joiner stays a guest, walked by
// nobody, and is not sent away (it would only join again, and again); a
// later joiner may take its place, a walked guest's first.
TEST(HyParView, AJoinerNeverVerifiedKeepsItsGuestSlot) {
  lone l{5, quiet};
  forged_join(l);
  EXPECT_TRUE(contains(l.me.peers(), "j"));
  EXPECT_TRUE(l.me.targets<hv_disconnect>().empty());
  EXPECT_TRUE(l.me.sent<hv_forward_join>().empty());
  // Four verified joiners fill the other guest slots; the next one takes
  // the place of one of them (walked), not j's.
  for (int i = 0; i < 5; ++i) {
    auto name = "k" + std::to_string(i);
    auto address = "10.0.0." + std::to_string(i + 1) + ":7000";
    l.me.verified_at.insert(name + "@" + address);
    l.me.receive_typed(hv_join{name, address}, name);
  }
  EXPECT_EQ(l.me.peers().size(), 10u);
  EXPECT_TRUE(contains(l.me.peers(), "j"));
  auto bye = l.me.targets<hv_disconnect>();
  ASSERT_EQ(bye.size(), 1u);
  EXPECT_EQ(bye[0][0], 'k');
}

TEST(HyParView, AForwardJoinFromANonNeighbourMovesNobody) {
  lone l{3};
  l.me.receive_typed(hv_forward_join{"stranger", {"j", "6.6.6.6:1"}, 0}, "stranger");
  l.me.receive_typed(hv_forward_join{"stranger", {"k", "6.6.6.6:2"}, 3}, "stranger");
  EXPECT_FALSE(contains(l.me.peers(), "j"));
  EXPECT_TRUE(l.me.ups.empty());
  EXPECT_TRUE(passive_of(l.me).empty());
  EXPECT_TRUE(l.me.log.empty());
  EXPECT_EQ(l.me.rejected_items.size(), 2u);
}

TEST(HyParView, AWalkThatCrossedOurDisconnectIsStillTaken) {
  lone l{3, quiet};
  l.me.receive_typed(hv_disconnect{"p2"}, "p2");
  // p2 sent this before it heard it was dropped.
  l.me.receive_typed(hv_forward_join{"p2", {"j", ""}, 0}, "p2");
  EXPECT_TRUE(contains(l.me.peers(), "j"));
  l.me.tick();
  l.me.tick(); // two rounds later it is a stranger
  l.me.receive_typed(hv_forward_join{"p2", {"k", ""}, 0}, "p2");
  EXPECT_FALSE(contains(l.me.peers(), "k"));
  EXPECT_EQ(l.me.rejected_items.size(), 1u);
}

TEST(HyParView, ShufflesComeFromNeighboursAndRepliesOncePerShuffle) {
  lone l{1, params{{"shuffle-every", "1"}, {"timeout", "0"}, {"mix-every", "0"}}};
  // A stranger's shuffle: no reply to its origin, no entries kept.
  l.me.receive_typed(hv_shuffle{"s", {"s", "6.6.6.6:1"}, 0, {{"x", "6.6.6.6:2"}}}, "s");
  // Replies nobody asked for.
  l.me.receive_typed(hv_shuffle_reply{"s", {{"y", "6.6.6.6:3"}}}, "s");
  EXPECT_TRUE(passive_of(l.me).empty());
  EXPECT_TRUE(l.me.log.empty());
  EXPECT_EQ(l.me.rejected_items.size(), 2u);
  // After a shuffle of ours, one reply is taken, the next is not.
  l.me.tick();
  ASSERT_EQ(l.me.sent<hv_shuffle>().size(), 1u);
  l.me.receive_typed(hv_shuffle_reply{"w", {{"a", ""}}}, "w");
  l.me.receive_typed(hv_shuffle_reply{"v", {{"b", ""}}}, "v");
  EXPECT_EQ(passive_of(l.me), std::vector<std::string>{"a"});
}

TEST(HyParView, OwnShufflesPassOnlyCheckedAddressesOfCandidates) {
  lone l{1, params{{"shuffle-active", "0"},
                   {"shuffle-passive", "4"},
                   {"shuffle-every", "1"},
                   {"timeout", "0"},
                   {"mix-every", "0"}}};
  l.me.verify_all = false;
  l.me.addr = "10.0.0.1:7000";
  // p1 was a neighbour whose address we verified; c came in a shuffle.
  l.me.receive_typed(hv_neighbor{"p1", "10.0.0.2:7000", false}, "p1");
  l.me.verified_at.insert("p1@10.0.0.2:7000");
  l.me.receive_typed(hv_disconnect{"p1"}, "p1");
  l.me.verified_at.clear(); // the port forgets it with the link
  l.candidates({{"c", "6.6.6.6:1"}});
  l.me.tick();
  auto shuffles = l.me.sent<hv_shuffle>();
  ASSERT_EQ(shuffles.size(), 1u);
  std::map<std::string, std::string> carried;
  for (auto& x : shuffles[0].entries)
    carried[x.name] = x.address;
  EXPECT_EQ(carried["me"], "10.0.0.1:7000");
  EXPECT_EQ(carried["p1"], "10.0.0.2:7000");
  EXPECT_EQ(carried["c"], "") << "a claim goes no further than who heard it";
  // The same at the end of someone else's shuffle walk.
  l.me.receive_typed(hv_shuffle{"p0", {"o", ""}, 0, {{"o", ""}, {"x", ""}}}, "p0");
  for (auto& reply : l.me.sent<hv_shuffle_reply>(envelope::send, "o"))
    for (auto& x : reply.entries)
      EXPECT_EQ(x.address, x.name == "p1" ? "10.0.0.2:7000" : "") << x.name;
}

TEST(HyParView, UncheckedCandidatesAreDialledOneAtATimeAndForgottenIfSilent) {
  lone l{0, quiet};
  l.me.verify_all = false;
  l.me.receive_typed(hv_neighbor{"p0", "", false}, "p0");
  l.me.verified_at.insert("k@10.0.0.5:7000"); // say, a former neighbour
  l.candidates({{"c1", "6.6.6.6:1"}, {"c2", "6.6.6.6:2"}, {"k", "10.0.0.5:7000"}});
  auto dialled = [&] {
    std::vector<std::string> to;
    for (auto& e : l.me.log)
      if (e.kind == envelope::to_address && as<hv_neighbor>(e.msg))
        to.push_back(e.to);
    return to;
  };
  l.me.tick(); // four free slots: k, and one unchecked address at a time
  auto first = dialled();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(contains(first, "10.0.0.5:7000"));
  auto forged = first[0] == "10.0.0.5:7000" ? first[1] : first[0];
  EXPECT_EQ(forged.rfind("6.6.6.6:", 0), 0u);
  l.me.tick();
  EXPECT_EQ(dialled().size(), 2u) << "the first unchecked one is still out";
  l.me.tick(); // both unanswered (2 rounds): the other unchecked one is next
  auto all = dialled();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_NE(all[2], forged);
  EXPECT_EQ(all[2].rfind("6.6.6.6:", 0), 0u);
  auto passive = passive_of(l.me);
  EXPECT_FALSE(contains(passive, "c" + forged.substr(8))) << "silent: forgotten";
  EXPECT_FALSE(contains(passive, "k")) << "silent: lost, tried again after a partition";
}
