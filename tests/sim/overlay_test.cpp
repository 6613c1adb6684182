// The broadcast experiment of the HyParView and Plumtree papers in gossip-sim
// (the real node and protocol code under the deterministic scheduler), at a
// size the suite runs in seconds: the papers' relations, not their exact
// figures (docs/results.md has those, at N = 10,000).
#include <gtest/gtest.h>

#include "gossip/local_cluster.hpp"
#include "overlay.hpp"
#include "sim.hpp"

namespace {

using namespace gossip;

sim::result run(const std::string& overlay, const std::string& protocol, double fail,
                size_t nodes = 500, const std::string& join = "one-by-one") {
  sim::settings s;
  s.join = join;
  s.overlay = overlay;
  s.protocol = protocol;
  s.nodes = nodes;
  s.fail = fail;
  s.broadcasts = 10;
  s.stabilise = 20;
  s.seed = 11;
  return sim::run(s, 0, {});
}

TEST(SimOverlay, PlumtreeOverHyParViewDeliversEverythingOverATree) {
  auto r = run("hyparview", "plumtree", 0);
  EXPECT_EQ(r.survivors, 500u);
  ASSERT_EQ(r.reliabilities.size(), 10u);
  for (auto x : r.reliabilities)
    EXPECT_DOUBLE_EQ(x, 1.0);
  // A stable tree: (almost) one payload message per delivery.
  EXPECT_LT(r.rmr, 0.1);
  EXPECT_GE(r.ldh, 3.0); // a tree over 500 nodes of degree <= 5 is deep
  EXPECT_EQ(r.heal_rounds, 0);
}

TEST(SimOverlay, FloodingOverTheActiveViewCostsAboutThreeRedundantMessages) {
  auto flood = run("hyparview", "probabilistic", 0);
  auto tree = run("hyparview", "plumtree", 0);
  EXPECT_DOUBLE_EQ(flood.reliability, 1.0);
  // Each node forwards to its other active peers: about 4 per delivery.
  EXPECT_GT(flood.rmr, 2.0);
  EXPECT_LT(flood.rmr, 4.5);
  EXPECT_LT(tree.rmr, flood.rmr / 10);
  // Flooding takes the shortest paths; the tree's are not much longer.
  EXPECT_LE(flood.ldh, tree.ldh);
  EXPECT_LE(tree.ldh, 2.5 * flood.ldh);
}

// Every node joining through node 0 before the first round (a cluster's
// start with one seed): the contact takes joiners in as guests and walks
// them through its settled neighbours, so the overlay is as shallow as one
// built join by join. The paper's contact, evicting a neighbour per JOIN,
// chained joiner k to joiners k-1..k-4: a flood's last hop was 34 at 1,000
// nodes, against 12 join by join.
TEST(SimOverlay, AClusterJoiningAtOnceIsAsShallowAsOneJoinedOneByOne) {
  auto storm = run("hyparview", "probabilistic", 0, 500, "at-once");
  auto calm = run("hyparview", "probabilistic", 0, 500);
  EXPECT_DOUBLE_EQ(storm.reliability, 1.0);
  EXPECT_EQ(storm.heal_rounds, 0);
  EXPECT_LE(storm.ldh, 1.5 * calm.ldh);
}

TEST(SimOverlay, HyParViewHealsAfterHalfTheNodesFail) {
  auto r = run("hyparview", "plumtree", 0.5);
  EXPECT_EQ(r.survivors, 250u);
  EXPECT_GT(r.reliability, 0.95);
  // The last broadcasts, once views are repaired, reach every survivor.
  EXPECT_DOUBLE_EQ(r.reliabilities.back(), 1.0);
  EXPECT_GE(r.heal_rounds, 0);
  EXPECT_LE(r.heal_rounds, 10);
}

TEST(SimOverlay, FullMembershipNeverForgetsTheFailed) {
  auto r = run("full", "probabilistic", 0.5);
  EXPECT_EQ(r.heal_rounds, -1);
  EXPECT_GT(r.reliability, 0.5);
}

TEST(SimOverlay, EpidemicsRunOverHyParViewToo) {
  sim::settings s;
  s.overlay = "hyparview";
  s.protocol = "push-pull";
  s.nodes = 300;
  s.stabilise = 10;
  auto r = sim::run(s, 0, {});
  EXPECT_DOUBLE_EQ(r.residue, 0.0);
  // Rounds count from the update, not from the overlay's first round.
  EXPECT_LT(r.t_last, 30.0);
  EXPECT_GT(r.t_last, 2.0);
}

} // namespace

// Store writes ride Plumtree too (the same node code, one cluster, virtual
// time): a put is on every node once the messages it caused are delivered,
// before any round runs, and push-pull beside it repairs what the tree lost.
namespace {

cluster_options tree_cluster(const std::string& protocol, size_t nodes, uint64_t seed) {
  cluster_options opts;
  opts.nodes = nodes;
  opts.protocol = protocol;
  opts.seed = seed;
  opts.deterministic = true;
  return opts;
}

size_t holding(local_cluster& c, const std::string& key, const std::string& value) {
  size_t n = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (auto v = c.peek(i).data->get(key); v != nullptr && *v == value)
      ++n;
  return n;
}

uint64_t updates_sent(local_cluster& c) {
  uint64_t n = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    auto& by_type = c.peek(i).stats->by_type;
    if (auto t = by_type.find("gossip::plumtree_update"); t != by_type.end())
      n += t->second.sent_msgs;
  }
  return n;
}

} // namespace

TEST(SimOverlay, APutRidesPlumtreeOverHyParViewToEveryNode) {
  local_cluster cluster{tree_cluster("hyparview,plumtree,push-pull", 100, 5)};
  sim::settings s;
  s.overlay = "hyparview";
  rng_type rng{5};
  sim::join_overlay(cluster, s, rng);
  // Until the active views hold still (20 rounds without a change): repair
  // goes on for a while, low-priority requests between views with room.
  auto views = [&] {
    std::vector<std::vector<std::string>> v;
    for (size_t i = 0; i < cluster.size(); ++i)
      v.push_back(*cluster.peek(i).peers);
    return v;
  };
  size_t still = 0;
  for (int r = 0; r < 300 && still < 20; ++r) {
    auto before = views();
    cluster.run_round();
    still = views() == before ? still + 1 : 0;
  }
  ASSERT_EQ(still, 20u) << "the views never held still";
  // The first write builds the tree (duplicates pruned), the next follow it.
  cluster.put(0, "first", "1");
  cluster.settle();
  EXPECT_EQ(holding(cluster, "first", "1"), 100u);
  cluster.run_round();
  for (size_t origin : {0, 42}) {
    auto before = updates_sent(cluster);
    cluster.put(origin, "k", "v" + std::to_string(origin));
    cluster.settle(); // no round: push-pull has not exchanged yet
    EXPECT_EQ(holding(cluster, "k", "v" + std::to_string(origin)), 100u);
    EXPECT_EQ(updates_sent(cluster) - before, 99u) << "from " << origin << ": n-1";
    cluster.run_round();
  }
  // A delete rides it as well.
  ASSERT_TRUE(cluster.erase(7, "first"));
  cluster.settle();
  size_t gone = 0;
  for (size_t i = 0; i < cluster.size(); ++i)
    gone += cluster.peek(i).data->get("first") == nullptr ? 1 : 0;
  EXPECT_EQ(gone, 100u);
}

TEST(SimOverlay, APutRidesPlumtreeUnderFullMembership) {
  local_cluster cluster{tree_cluster("plumtree", 40, 3)};
  cluster.run_round(); // each node greets the members it picked
  cluster.put(0, "k", "v");
  cluster.settle();
  EXPECT_EQ(holding(cluster, "k", "v"), 40u);
}

TEST(SimOverlay, PushPullRepairsWhatALossyTreeMissed) {
  auto opts = tree_cluster("plumtree,push-pull", 50, 9);
  opts.node.faults.loss = 0.2;
  local_cluster cluster{opts};
  // A few writes build the tree (the first floods every link: none is lost).
  for (int w = 0; w < 3; ++w) {
    cluster.put(1, "warm", std::to_string(w));
    cluster.settle();
    cluster.run_round();
  }
  cluster.put(0, "k", "v");
  cluster.settle();
  EXPECT_GT(holding(cluster, "k", "v"), 10u) << "the tree, before any round";
  EXPECT_LT(holding(cluster, "k", "v"), 50u) << "a fifth of its messages lost";
  EXPECT_LE(cluster.rounds_until_converged(40), 40u);
  EXPECT_EQ(holding(cluster, "k", "v"), 50u);
}

TEST(SimOverlay, InSynchronousRoundsAPutOverPlumtreeTakesEffectAtTheRoundsEnd) {
  auto opts = tree_cluster("plumtree", 40, 4);
  opts.synchronous = true;
  local_cluster cluster{opts};
  cluster.run_round();
  cluster.put(0, "k", "v");
  cluster.settle();
  EXPECT_EQ(holding(cluster, "k", "v"), 1u) << "held on the others until the round ends";
  cluster.run_round();
  EXPECT_EQ(holding(cluster, "k", "v"), 40u);
}
