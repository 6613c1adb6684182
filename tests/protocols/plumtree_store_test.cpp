// Store writes riding Plumtree: a put or delete goes down the same tree as
// rumors (n-1 UPDATE messages once it stands), each node merging the entry
// through the shared data path; a bad entry is counted and goes no further,
// an older one than the store holds is no news; push-pull beside it repairs
// what the tree missed.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/plumtree.hpp"
#include "plumtree_helpers.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

plumtree_update update_from(std::string from, uint64_t id, keyed_entry x,
                            std::string origin = "o") {
  return plumtree_update{std::move(from), std::move(origin), id, 2, std::move(x)};
}

/// Nodes of `t` whose store holds `value` under `key` (nullptr: deleted).
size_t holding(tree_net& t, const std::string& key, const std::string* value) {
  return t.sum([&](fake_node& x) {
    auto v = x.data().get(key);
    auto e = x.data().find(key);
    return value == nullptr ? (e != nullptr && e->tombstone ? 1 : 0)
                            : (v != nullptr && *v == *value ? 1 : 0);
  });
}

size_t holding(tree_net& t, const std::string& key, const std::string& value) {
  return holding(t, key, &value);
}

/// 30 nodes, degree about 5, a first broadcast from n0 done: the tree.
struct PlumtreeStore : ::testing::Test {
  PlumtreeStore() : t(30, {}) {
    t.random_graph(45, 7);
    t.run(0);
    t.finish();
  }
  tree_net t;
};

} // namespace

TEST_F(PlumtreeStore, APutReachesEveryNodeAlongTheTreeWithNMinusOneUpdates) {
  // The tree a rumor built carries writes from any node, and back.
  for (size_t origin : {5, 0, 22}) {
    auto value = "v" + std::to_string(origin);
    t[origin].write("k", value);
    t.net.settle(); // no round: eager pushes only
    EXPECT_EQ(holding(t, "k", value), 30u) << "from " << name_of(origin);
    EXPECT_EQ(t.count<plumtree_update>(), 29u) << "from " << name_of(origin);
    EXPECT_EQ(t.count<plumtree_prune>(), 0u);
    EXPECT_EQ(t.sum([](fake_node& x) { return x.fresh; }), 29u);
    t.quiesce();
    // IHAVEs announce nothing missing (a GRAFT without ids only swaps a
    // link that announced sooner into the tree).
    EXPECT_EQ(t.sum([](fake_node& x) {
      size_t ids = 0;
      for (auto& g : x.sent<plumtree_graft>())
        ids += g.ids.size();
      return ids;
    }),
              0u);
    t.clear();
  }
  // A delete is a tombstone on the same path; rumors still follow the tree.
  ASSERT_TRUE(t[13].erase("k"));
  t.net.settle();
  EXPECT_EQ(holding(t, "k", nullptr), 30u);
  EXPECT_EQ(t.count<plumtree_update>(), 29u);
  t.finish();
  EXPECT_EQ(t.reached(7, t.run(7)), 30u);
  EXPECT_EQ(t.count<plumtree_gossip>(), 29u);
}

TEST(PlumtreeStoreTree, TheFirstWriteBuildsTheTreeAsARumorWould) {
  tree_net t(30, {});
  t.random_graph(45, 7);
  t[0].write("a", "1");
  t.net.settle();
  EXPECT_EQ(holding(t, "a", "1"), 30u);
  EXPECT_GT(t.count<plumtree_update>(), 29u) << "every link carries the first one";
  EXPECT_GT(t.count<plumtree_prune>(), 0u);
  t.finish();
  t[9].write("b", "2");
  t.net.settle();
  EXPECT_EQ(holding(t, "b", "2"), 30u);
  EXPECT_EQ(t.count<plumtree_update>(), 29u);
}

TEST_F(PlumtreeStore, AWriteAMissedLinkLacksIsGraftedFromAnAnnouncer) {
  t[0].write("warm", "up");
  t.net.settle();
  auto parents = t.parents();
  t.finish();
  // n3's tree parent drops what it pushes to n3: the IHAVE of another
  // neighbour brings it through a GRAFT.
  auto parent = parents.at(name_of(3));
  t.net.drop = [&](const envelope& e) {
    return e.from == parent && e.to == name_of(3) && as<plumtree_update>(e.msg);
  };
  t[0].write("k", "v");
  t.net.settle();
  EXPECT_EQ(t[3].data().find("k"), nullptr);
  EXPECT_LT(holding(t, "k", "v"), 30u);
  t.net.drop = nullptr;
  t.quiesce();
  EXPECT_EQ(holding(t, "k", "v"), 30u);
  EXPECT_GT(t.count<plumtree_graft>(), 0u);
}

TEST(PlumtreeStoreNode, AnUpdateIsMergedAndPassedOnWithOneHopMore) {
  fake_node a{"a"};
  setup(a, {"b", "c", "d", "o"});
  a.receive_typed(update_from("b", 1, make_entry("k", "v", 3, "o")), "b");
  EXPECT_EQ(*a.data().get("k"), "v");
  EXPECT_EQ(a.fresh, 1u);
  EXPECT_EQ(a.targets<plumtree_update>(), (std::vector<std::string>{"c", "d"}))
      << "not back to its sender, nor to its origin";
  auto sent = a.sent<plumtree_update>();
  EXPECT_EQ(sent[0].from, "a");
  EXPECT_EQ(sent[0].origin, "o");
  EXPECT_EQ(sent[0].hops, 3u);
  EXPECT_EQ(sent[0].write.e.version, 3u);
  // A copy on another link is a duplicate: pruned, not merged again.
  a.receive_typed(update_from("c", 1, make_entry("k", "v", 3, "o")), "c");
  EXPECT_EQ(a.replied<plumtree_prune>().size(), 1u);
  EXPECT_EQ(a.events_of(event_kind::delivered).size(), 1u);
  // Its own writes go under ids of the rumors' space, which a GRAFT serves.
  a.clear_records();
  a.write("mine", "x");
  auto own = a.sent<plumtree_update>();
  ASSERT_EQ(own.size(), 3u) << "to b, d and o (c was pruned)";
  EXPECT_EQ(own[0].origin, "a");
  EXPECT_EQ(own[0].hops, 1u);
  auto rumor_id = broadcast(a);
  EXPECT_EQ(rumor_id, own[0].id + 1);
  a.clear_records();
  a.receive_typed(plumtree_graft{"c", {{"a", own[0].id, 0}}}, "c");
  auto answers = a.sent<plumtree_update>(envelope::send, "c");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].write.key, "mine");
}

TEST(PlumtreeStoreNode, AnInvalidEntryIsCountedAndGoesNoFurther) {
  fake_node a{"a"};
  setup(a, {"b", "c", "d"});
  a.lim.max_value_bytes = 4;
  auto tombstone_with_value = make_entry("t", "x", 2, "o");
  tombstone_with_value.e.tombstone = true;
  for (auto& bad :
       {make_entry("k", "too long", 1, "o"), tombstone_with_value,
        make_entry("k", "v", uint64_t{1} << 50, "o"), make_entry("", "v", 1, "o")})
    a.receive_typed(update_from("b", 7, bad), "b");
  EXPECT_EQ(a.rejected_items.size(), 4u) << "each counted by the data path";
  EXPECT_EQ(a.data().size(), 0u);
  EXPECT_TRUE(a.sent<plumtree_update>().empty());
  EXPECT_TRUE(a.replied<plumtree_prune>().empty()) << "not taken for a duplicate";
  a.tick();
  EXPECT_TRUE(a.sent<plumtree_ihave>().empty()) << "nor announced";
  // The same id with a good entry is news still.
  a.receive_typed(update_from("c", 7, make_entry("k", "v", 1, "o")), "c");
  EXPECT_EQ(*a.data().get("k"), "v");
  EXPECT_EQ(a.targets<plumtree_update>(), (std::vector<std::string>{"b", "d"}));
  // The envelope is checked at the gate; strangers and forgers are dropped.
  a.clear_records();
  a.receive_typed(update_from("b", 0, make_entry("z", "v", 1, "o")), "b");
  EXPECT_EQ(a.rejected.size(), 1u) << "id 0";
  a.receive_typed(update_from("x", 8, make_entry("z", "v", 1, "o")), "x");
  a.receive_typed(update_from("b", 9, make_entry("z", "v", 1, "o")), "x");
  a.receive_typed(update_from("b", 1u << 30, make_entry("z", "v", 1, "a"), "a"), "b");
  EXPECT_EQ(a.rejected_items.size(), 3u);
  EXPECT_EQ(a.data().find("z"), nullptr);
  EXPECT_TRUE(a.sent<plumtree_update>().empty());
}

TEST(PlumtreeStoreNode, AnEntryOlderThanTheStoresIsNotPassedOnAsNews) {
  fake_node a{"a"};
  setup(a, {"b", "c", "d"});
  a.data().merge("k", entry{"newer", 5, "x"});
  a.receive_typed(update_from("b", 1, make_entry("k", "older", 3, "o")), "b");
  EXPECT_EQ(*a.data().get("k"), "newer");
  EXPECT_EQ(a.fresh, 0u);
  EXPECT_TRUE(a.rejected_items.empty()) << "honest: a write overtaken on its way";
  EXPECT_TRUE(a.sent<plumtree_update>().empty()) << "not pushed";
  a.tick();
  EXPECT_TRUE(a.sent<plumtree_ihave>().empty()) << "not announced";
  // Its id is known: a copy is pruned; a GRAFT for it gets nothing.
  a.receive_typed(update_from("c", 1, make_entry("k", "older", 3, "o")), "c");
  EXPECT_EQ(a.replied<plumtree_prune>().size(), 1u);
  a.receive_typed(plumtree_graft{"d", {{"o", 1, 0}}}, "d");
  EXPECT_TRUE(a.sent<plumtree_update>().empty());
  // The write the store holds already (another protocol brought it first)
  // is still news to the tree: our subtree may lack it.
  a.receive_typed(update_from("b", 2, make_entry("k", "newer", 5, "x")), "b");
  EXPECT_EQ(a.targets<plumtree_update>(), (std::vector<std::string>{"d"}))
      << "c pruned us, b sent it";
  // A kept update overwritten since is no answer to a GRAFT.
  a.clear_records();
  a.receive_typed(update_from("b", 3, make_entry("j", "first", 6, "o")), "b");
  a.data().merge("j", entry{"second", 7, "y"});
  a.receive_typed(plumtree_graft{"c", {{"o", 3, 0}, {"o", 2, 0}}}, "c");
  auto answers = a.sent<plumtree_update>(envelope::send, "c");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].id, 2u);
}

TEST(PlumtreeStoreNode, InSynchronousRoundsAnUpdateIsHeldAndPassedOnAtOnce) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.holding = true;
  a.receive_typed(update_from("b", 1, make_entry("k", "v", 1, "o")), "b");
  EXPECT_EQ(a.data().find("k"), nullptr) << "merged when the round ends";
  EXPECT_EQ(a.held.size(), 1u);
  EXPECT_EQ(a.targets<plumtree_update>(), (std::vector<std::string>{"c"}));
  // The same write under another id in the same round is news as the round
  // found the store.
  a.receive_typed(update_from("c", 2, make_entry("k", "v", 1, "o"), "p"), "c");
  EXPECT_EQ(a.held.size(), 2u);
  EXPECT_EQ(a.targets<plumtree_update>(), (std::vector<std::string>{"c", "b"}));
  a.end_round();
  EXPECT_EQ(*a.data().get("k"), "v");
  EXPECT_EQ(a.fresh, 1u);
}

TEST(PlumtreeStoreNode, TheCacheBoundsUpdatesInBytes) {
  fake_node a{"a"};
  setup(a, {"b", "c"});
  a.lim.max_key_bytes = 4;
  a.lim.max_value_bytes = 12; // 64 * 16 bytes of payload at most
  std::string value(12, 'x');
  for (uint64_t id = 1; id <= 70; ++id)
    a.receive_typed(
        update_from("b", id, make_entry("k" + std::to_string(id), value, id, "o")), "b");
  EXPECT_EQ(a.data().size(), 70u) << "every entry is stored";
  auto passed = a.sent<plumtree_update>().size();
  EXPECT_LT(passed, 70u);
  EXPECT_GE(passed, 64u * 16 / (3 + 12));
  EXPECT_EQ(a.rejected_items.size(), 70u - passed);
  // A local write finds no room either: stored, left to anti-entropy.
  a.write("mine", value);
  EXPECT_EQ(a.sent<plumtree_update>().size(), passed);
  EXPECT_EQ(*a.data().get("mine"), value);
  EXPECT_EQ(a.rejected_items.size(), 71u - passed);
}

TEST(PlumtreeStoreRepair, PushPullBesideTheTreeRepairsWhatItMissed) {
  tree_net t(30, {}, {"plumtree", "push-pull"});
  t.random_graph(45, 7);
  t[0].write("warm", "up");
  t.net.settle();
  // A leaf of the tree (no subtree waits for it) is down while a write and
  // its IHAVEs pass: the tree cannot help it.
  auto parents = t.parents();
  std::set<std::string> inner;
  for (auto& [child, parent] : parents)
    inner.insert(parent);
  size_t leaf = 1;
  while (inner.count(name_of(leaf)) > 0)
    ++leaf;
  ASSERT_LT(leaf, 30u);
  t.finish();
  t.net.down.insert(name_of(leaf));
  t[0].write("k", "v");
  t.net.settle();
  EXPECT_EQ(holding(t, "k", "v"), 29u) << "at once, before any round";
  for (int r = 0; r < 3; ++r)
    t.net.round();
  EXPECT_EQ(holding(t, "k", "v"), 29u);
  t.net.down.clear();
  size_t rounds = 0;
  while (holding(t, "k", "v") < 30 && rounds < 30) {
    t.net.round();
    ++rounds;
  }
  EXPECT_EQ(holding(t, "k", "v"), 30u) << "push-pull repaired " << name_of(leaf);
  EXPECT_LE(rounds, 10u);
}
