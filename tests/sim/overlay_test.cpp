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
                size_t nodes = 500) {
  sim::settings s;
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
