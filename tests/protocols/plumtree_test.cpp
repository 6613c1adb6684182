// Plumtree through fake ports: the tree a first broadcast leaves (duplicates
// pruned), later broadcasts along it (n-1 messages), repair of a lost link or a
// crashed node by IHAVE/GRAFT, fanout subsets, hostile input against the bounds.
#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "fake_port.hpp"
#include "gossip/plumtree.hpp"
#include "plumtree_helpers.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

/// 30 nodes, degree about 5, a first broadcast from n0 done: the tree.
struct PlumtreeTree : ::testing::Test {
  PlumtreeTree() : t(30, {}) {
    t.random_graph(45, 7);
    t.run(0);
    t.finish();
  }
  tree_net t;
};

} // namespace

TEST(Plumtree, TheFirstBroadcastReachesAllAndPrunesDuplicates) {
  tree_net t(30, {});
  t.random_graph(45, 7);
  EXPECT_EQ(t.reached(0, t.run(0)), 30u);
  EXPECT_GT(t.count<plumtree_gossip>(), 29u) << "every link carries the first rumor";
  EXPECT_GT(t.count<plumtree_prune>(), 0u);
  t.quiesce();
  EXPECT_EQ(t.pending(), 0u);
}

TEST_F(PlumtreeTree, LaterBroadcastsFollowTheTreeWithNMinusOneMessages) {
  // From another origin too: the eager links are one spanning tree.
  for (size_t origin : {0, 0, 17}) {
    auto id = t.run(origin);
    EXPECT_EQ(t.reached(origin, id), 30u);
    EXPECT_EQ(t.count<plumtree_gossip>(), 29u) << "from " << origin << ": RMR 0";
    // Hops are the depth in the tree the parents form.
    auto parents = t.parents();
    for (size_t i = 0; i < t.size(); ++i) {
      uint32_t depth = 0;
      for (auto x = name_of(i); x != name_of(origin); x = parents.at(x))
        ASSERT_LT(++depth, 30u) << "a cycle";
      EXPECT_EQ(t[i].events_of(event_kind::delivered).at(0).hops, depth) << name_of(i);
    }
    t.finish();
  }
}

TEST_F(PlumtreeTree, ALostTreeLinkIsRepairedThroughIhaveAndGraft) {
  t.run(0);
  // A tree link whose loss leaves the graph connected.
  size_t a = 0, b = 0;
  for (auto& [child, parent] : t.parents())
    if (auto c = index(child), p = index(parent); c != 0 && t.connected_without(c, p)) {
      a = p, b = c;
      break;
    }
  ASSERT_NE(a, b);
  t.finish();
  t.cut(a, b);
  auto id = t.run(0);
  EXPECT_LT(t.reached(0, id), 30u) << name_of(b) << "'s subtree waits";
  EXPECT_GT(t.pending(), 0u);
  t.quiesce();
  EXPECT_EQ(t.reached(0, id), 30u);
  EXPECT_GT(t.count<plumtree_graft>(), 0u);
  // The tree is whole again: the next broadcast goes along it alone.
  t.clear();
  EXPECT_EQ(t.reached(0, t.run(0)), 30u);
  EXPECT_EQ(t.count<plumtree_gossip>(), 29u);
}

TEST_F(PlumtreeTree, ACrashedInnerNodeIsRoutedAround) {
  t.run(0);
  std::map<size_t, size_t> children;
  for (auto& [child, parent] : t.parents())
    ++children[index(parent)];
  size_t dead = 0;
  for (auto& [x, n] : children)
    if (x != 0 && n >= 2 && t.connected_without(x, x))
      dead = x;
  ASSERT_NE(dead, 0u);
  t.finish();
  // Its neighbours learn of it from bounces; their views still hold it.
  t.net.down.insert(name_of(dead));
  for (auto j : t.adj[dead])
    t[j].proto().link_lost(t[j], name_of(dead));
  auto id = t.run(0);
  EXPECT_LT(t.reached(0, id), 29u) << "its children wait";
  t.quiesce();
  EXPECT_EQ(t.reached(0, id), 29u);
  t.clear();
  EXPECT_EQ(t.reached(0, t.run(0)), 29u);
  EXPECT_EQ(t.count<plumtree_gossip>(), 28u) << "nothing is pushed to the crashed node";
  EXPECT_EQ(t.net.lost, 0u);
}

TEST(Plumtree, OnACompleteGraphEagerPushesStayWithinTheFanoutSubset) {
  tree_net t(40, {{"fanout", "8"}});
  t.net.connect_all();
  std::vector<size_t> sent;
  for (size_t origin : {0, 13, 27, 0}) {
    auto id = t.run(origin);
    EXPECT_EQ(t.reached(origin, id), 40u) << "from " << name_of(origin);
    for (size_t i = 0; i < t.size(); ++i)
      EXPECT_LE(t[i].sent<plumtree_gossip>().size(), 8u) << name_of(i);
    sent.push_back(t.count<plumtree_gossip>());
    t.finish();
  }
  // Not 40 * 39 as over every member: the subsets first, then a tree that
  // serves every origin (the link a rumor first came on is adopted at both
  // ends, or the tree would only carry rumors away from the first origin).
  EXPECT_LE(sent[0], 40u * 8u);
  EXPECT_LT(sent[1], 2u * 39u);
  EXPECT_LT(sent[2], 2u * 39u);
  EXPECT_EQ(sent[3], 39u);
}

TEST(Plumtree, AMemberNobodyPickedIsReachedThroughTheLinksItPicked) {
  tree_net t(40, {{"fanout", "2"}}); // e^-2 of the members are in no subset
  t.net.connect_all();
  t.net.round(); // each greets the members it picked
  for (size_t origin : {0, 13, 27}) {
    auto id = t.run(origin);
    t.quiesce();
    EXPECT_EQ(t.reached(origin, id), 40u) << "from " << name_of(origin);
  }
}

TEST(Plumtree, ADuplicateIsPrunedAndThatLinkGetsOnlyIhaves) {
  fake_node a{"a"};
  setup(a, {"b", "c", "d", "o"}, {{"ihave-max", "1"}});
  a.receive_typed(gossip_from("b", 1), "b");
  EXPECT_EQ(a.targets<plumtree_gossip>(), (std::vector<std::string>{"c", "d"}));
  a.receive_typed(gossip_from("c", 1), "c");
  EXPECT_EQ(a.fresh, 1u);
  ASSERT_EQ(a.replied<plumtree_prune>().size(), 1u);
  a.receive_typed(plumtree_prune{"d"}, "d");
  a.clear_records();
  a.lim.max_value_bytes = 4;
  EXPECT_EQ(broadcast(a, "toolong"), 0u) << "an error, no id";
  EXPECT_EQ(broadcast(a, "x"), 1u);
  EXPECT_EQ(broadcast(a, "y"), 2u);
  EXPECT_EQ(a.targets<plumtree_gossip>(), (std::vector<std::string>{"b", "o", "b", "o"}));
  EXPECT_EQ(a.pending(), 4u) << "IHAVEs wait for the round";
  a.tick(); // one IHAVE per lazy peer a round, of at most ihave_max ids
  EXPECT_EQ(a.targets<plumtree_ihave>(), (std::vector<std::string>{"c", "d"}));
  auto ihave = a.sent<plumtree_ihave>();
  ASSERT_EQ(ihave[0].ids.size(), 1u);
  EXPECT_EQ(ihave[0].ids[0].origin, "a");
  EXPECT_EQ(ihave[0].ids[0].hops, 1u);
  a.tick();
  EXPECT_EQ(a.sent<plumtree_ihave>().size(), 4u);
  EXPECT_EQ(a.pending(), 0u);
}

TEST(Plumtree, AMissingRumorIsGraftedFromEachAnnouncerInTurn) {
  fake_node a{"a"};
  setup(a, {"b", "c", "d"}, {{"graft-timeout", "2"}, {"graft-retry", "1"}});
  a.receive_typed(ihave_from("c", {5}), "c");
  a.receive_typed(ihave_from("b", {5}), "b");
  EXPECT_EQ(a.pending(), 1u);
  a.tick();
  EXPECT_TRUE(a.sent<plumtree_graft>().empty());
  a.tick();
  ASSERT_EQ(a.targets<plumtree_graft>(), (std::vector<std::string>{"c"}));
  a.tick();
  EXPECT_EQ(a.targets<plumtree_graft>(), (std::vector<std::string>{"c", "b"}));
  a.receive_typed(gossip_from("b", 5), "b");
  EXPECT_EQ(a.pending(), 0u) << "the timer was cancelled";
}

TEST(Plumtree, AGraftIsAnsweredFromTheCacheAndMakesTheLinkEager) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.receive_typed(gossip_from("b", 1), "b");
  a.receive_typed(plumtree_prune{"c"}, "c");
  a.clear_records();
  a.receive_typed(plumtree_graft{"c", {{"o", 1, 0}, {"o", 99, 0}}}, "c");
  auto answers = a.sent<plumtree_gossip>(envelope::send, "c");
  ASSERT_EQ(answers.size(), 1u) << "the unknown id 99 is ignored";
  EXPECT_EQ(answers[0].rumor.id, 1u);
  EXPECT_EQ(answers[0].rumor.hops, 3u);
  a.receive_typed(gossip_from("b", 2), "b");
  EXPECT_EQ(a.sent<plumtree_gossip>(envelope::send, "c").size(), 2u) << "c is eager";
  // From a stranger, a GRAFT gets nothing.
  a.receive_typed(plumtree_graft{"x", {{"o", 1, 0}}}, "x");
  EXPECT_TRUE(a.sent<plumtree_gossip>(envelope::send, "x").empty());
}

TEST(Plumtree, ALostLinkIsForgottenAsNeighbourAndAnnouncer) {
  fake_node a{"a"};
  auto& p = setup(a, {"b", "c"});
  a.receive_typed(ihave_from("b", {5}), "b");
  p.link_lost(a, "b");
  for (int i = 0; i < 3; ++i)
    a.tick();
  EXPECT_TRUE(a.sent<plumtree_graft>().empty());
  EXPECT_EQ(a.pending(), 0u) << "nobody left to ask: given up";
  broadcast(a);
  EXPECT_EQ(a.targets<plumtree_gossip>(), (std::vector<std::string>{"c"}));
  // Heard from again, b is a neighbour again.
  a.receive_typed(gossip_from("b", 7), "b");
  broadcast(a);
  EXPECT_EQ(a.sent<plumtree_gossip>(envelope::send, "b").size(), 1u);
}

TEST(Plumtree, GraftsAdoptAtMostFourTimesTheFanout) {
  fake_node a{"a"};
  std::vector<std::string> view;
  for (size_t i = 0; i < 20; ++i)
    view.push_back(name_of(i));
  setup(a, view, {{"fanout", "2"}});
  broadcast(a);
  ASSERT_EQ(a.sent<plumtree_gossip>().size(), 2u) << "a subset of the fanout";
  for (auto& x : view)
    a.receive_typed(plumtree_graft{x, {}}, x);
  a.clear_records();
  broadcast(a);
  EXPECT_EQ(a.sent<plumtree_gossip>().size(), 10u) << "2 picked, 8 adopted";
}

TEST(Plumtree, HostileAnnouncementsAreBounded) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.lim.max_rumor_ids = 10;
  a.receive_typed(ihave_from("b", std::vector<uint64_t>(plumtree_max_ids + 1, 1)), "b");
  ASSERT_EQ(a.rejected.size(), 1u) << "an oversized IHAVE";
  EXPECT_EQ(a.pending(), 0u);
  // A flood of ids fills the missing table to its bound and no further.
  std::vector<uint64_t> ids(50);
  std::iota(ids.begin(), ids.end(), 1);
  a.receive_typed(ihave_from("b", ids), "b");
  EXPECT_EQ(a.pending(), 10u);
  EXPECT_EQ(a.rejected_items.size(), 40u);
  // One bad id does not sink its batch; strangers announce nothing.
  a.lim.max_rumor_ids = 100;
  a.receive_typed(plumtree_ihave{"c", {{"", 60, 0}, {"o", 0, 0}, {"o", 61, 0}}}, "c");
  EXPECT_EQ(a.pending(), 11u);
  EXPECT_EQ(a.rejected_items.size(), 42u);
  a.receive_typed(ihave_from("x", {70}), "x");
  EXPECT_EQ(a.pending(), 11u);
}
