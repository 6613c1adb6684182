// Plumtree through fake ports: the tree a first broadcast leaves (duplicates
// pruned), later broadcasts along it (n-1 messages), repair of a lost link or a
// crashed node by IHAVE/GRAFT, fanout subsets, hostile input against the bounds.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>
#include <set>

#include "fake_port.hpp"
#include "gossip/plumtree.hpp"
#include "plumtree_helpers.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

std::string name_of(size_t i) {
  return "n" + std::to_string(i);
}

size_t index(const std::string& name) {
  return std::stoul(name.substr(1));
}

/// A network of plumtree nodes over a fixed symmetric graph.
class tree_net {
public:
  tree_net(size_t n, const params& ps) : adj(n) {
    for (size_t i = 0; i < n; ++i)
      net.add(name_of(i)).add("plumtree", ps);
  }
  fake_node& operator[](size_t i) { return net[name_of(i)]; }
  size_t size() const { return adj.size(); }

  /// A ring (so it is connected) and `chords` random other edges.
  void random_graph(size_t chords, unsigned seed) {
    auto edge = [&](size_t a, size_t b) {
      return a != b && adj[a].insert(b).second && adj[b].insert(a).second;
    };
    for (size_t i = 0; i < size(); ++i)
      edge(i, (i + 1) % size());
    for (std::mt19937 gen{seed}; chords > 0;) {
      auto a = gen() % size();
      chords -= edge(a, gen() % size()) ? 1 : 0;
    }
    apply();
  }
  void apply() {
    for (size_t i = 0; i < size(); ++i) {
      std::vector<std::string> names;
      for (auto j : adj[i])
        names.push_back(name_of(j));
      (*this)[i].set_peers(names);
    }
  }
  /// Cuts a link as an overlay would: out of both views, and lost.
  void cut(size_t a, size_t b) {
    adj[a].erase(b);
    adj[b].erase(a);
    apply();
    (*this)[a].proto().link_lost((*this)[a], name_of(b));
    (*this)[b].proto().link_lost((*this)[b], name_of(a));
  }

  template <class F> size_t sum(F f) {
    size_t n = 0;
    for (size_t i = 0; i < size(); ++i)
      n += f((*this)[i]);
    return n;
  }
  void clear() {
    for (size_t i = 0; i < size(); ++i)
      (*this)[i].clear_records();
  }
  /// A broadcast from `origin`, settled (eager pushes only: no round ran).
  uint64_t run(size_t origin) {
    auto id = broadcast((*this)[origin]);
    net.settle();
    return id;
  }
  void finish() {
    quiesce();
    clear();
  }
  template <class T> size_t count() {
    return sum([](fake_node& x) { return x.sent<T>().size() + x.replied<T>().size(); });
  }
  /// Nodes that delivered rumor `id` of `origin`.
  size_t reached(size_t origin, uint64_t id) {
    return sum([&](fake_node& x) {
      size_t n = 0;
      for (auto& ev : x.events_of(event_kind::delivered))
        n += ev.origin == name_of(origin) && ev.version == id ? 1 : 0;
      return n;
    });
  }
  /// Rounds until nothing is pending anywhere (at most `max`).
  void quiesce(size_t max = 20) {
    for (size_t r = 0; r < max && pending() > 0; ++r)
      net.round();
  }
  size_t pending() {
    return sum([](fake_node& x) { return x.pending(); });
  }
  /// Who each node got its copy from (for the last broadcast recorded).
  std::map<std::string, std::string> parents() {
    std::map<std::string, std::string> result;
    for (size_t i = 0; i < size(); ++i)
      for (auto& ev : (*this)[i].events_of(event_kind::delivered))
        result[name_of(i)] = ev.peer;
    return result;
  }
  /// Connected without the edge a-b (for a == b: without node a)?
  bool connected_without(size_t a, size_t b) {
    std::set<size_t> seen{0};
    for (std::vector<size_t> todo{0}; !todo.empty();) {
      auto x = todo.back();
      todo.pop_back();
      for (auto y : adj[x])
        if (!(a == b ? y == a : (x == a && y == b) || (x == b && y == a)) &&
            seen.insert(y).second)
          todo.push_back(y);
    }
    return seen.size() == size() - (a == b ? 1 : 0);
  }
  fake_network net;
  std::vector<std::set<size_t>> adj;
};

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
