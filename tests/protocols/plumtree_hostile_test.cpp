// Plumtree against peers that lie: rumors from strangers, messages in another
// peer's name, GRAFTs that ask for the same rumor a thousand times.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/plumtree.hpp"
#include "plumtree_helpers.hpp"

using namespace gossip;
using namespace gossip::test;

TEST(Plumtree, AStrangersRumorIsDroppedAndCounted) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.receive_typed(gossip_from("x", 1), "x");
  EXPECT_TRUE(a.sent<plumtree_gossip>().empty()) << "not pushed on";
  EXPECT_EQ(a.fresh, 0u) << "not delivered";
  ASSERT_EQ(a.rejected_items.size(), 1u);
  // The same rumor from a neighbour is new here and goes on.
  a.receive_typed(gossip_from("b", 1), "b");
  EXPECT_EQ(a.fresh, 1u);
  EXPECT_EQ(a.targets<plumtree_gossip>(), (std::vector<std::string>{"c"}));
}

TEST(Plumtree, AMessageInANeighboursNameFromAnotherIsDropped) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.receive_typed(gossip_from("b", 1), "b");
  // x claims to be c and prunes: c's link must stay eager.
  a.receive_typed(plumtree_prune{"c"}, "x");
  broadcast(a);
  EXPECT_EQ(a.sent<plumtree_gossip>(envelope::send, "c").size(), 2u);
}

TEST(Plumtree, AGraftIsAnsweredOnceAnIdAndWithinABudget) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.receive_typed(gossip_from("b", 1), "b");
  auto id = plumtree_id{"o", 1, 1};
  a.clear_records();
  a.receive_typed(plumtree_graft{"c", std::vector<plumtree_id>(1000, id)}, "c");
  EXPECT_EQ(a.sent<plumtree_gossip>(envelope::send, "c").size(), 1u);
}
