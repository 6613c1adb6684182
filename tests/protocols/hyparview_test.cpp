// HyParView overlays on the fake network: 40-50 nodes that join one by one,
// shuffle, lose 40% of their nodes, and heal after a partition. Each
// message's rule on its own is in hyparview_parts_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "fake_port.hpp"
#include "gossip/hyparview.hpp"
#include "gossip/membership.hpp"
#include "hyparview_helpers.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

void join(fake_node& n, const std::string& contact) {
  n.request(caf::make_message(in_process, hv_join_atom::value, contact));
}

/// 20 of 50 crash (i % 5 in {0, 2}): they hear nothing from now on.
template <class Overlay> void crash(Overlay& o) {
  for (size_t i = 0; i < 50; i += 5)
    o.net.down.insert(o.names[i]), o.net.down.insert(o.names[i + 2]);
}

/// n nodes "n0".."n<n-1>" running hyparview; node i joins through a random
/// earlier node, as gossip-sim does.
struct overlay {
  fake_network net;
  std::vector<std::string> names;
  rng_type rng{7};

  /// How the nodes join: one by one, or all at once through n0 (a
  /// cluster's start, every node given the same seed).
  enum joining { one_by_one, at_once };

  explicit overlay(size_t n, const params& ps = {}, joining how = one_by_one) {
    for (size_t i = 0; i < n; ++i) {
      names.push_back("n" + std::to_string(i));
      net.add(names.back()).add("hyparview", ps);
    }
    for (size_t i = 1; i < n; ++i) {
      join(node(i), names[how == at_once ? 0 : uniform_index(rng, i)]);
      if (how == one_by_one)
        net.settle();
    }
    net.settle();
  }
  fake_node& node(size_t i) { return net[names[i]]; }
  void rounds(size_t k) {
    for (size_t i = 0; i < k; ++i)
      net.round();
  }
  std::vector<std::string> live() const {
    std::vector<std::string> result;
    for (auto& n : names)
      if (net.down.count(n) == 0)
        result.push_back(n);
    return result;
  }
  /// Every live node's active view holds only live nodes.
  bool only_live() {
    for (auto& n : live())
      for (auto& peer : net[n].peers())
        if (net.down.count(peer) > 0)
          return false;
    return true;
  }
  /// A in B's active view iff B in A's, among live nodes.
  bool symmetric() {
    for (auto& a : live())
      for (auto& b : net[a].peers())
        if (net.down.count(b) == 0 && !contains(net[b].peers(), a))
          return false;
    return true;
  }
  /// The live nodes reachable from the first live one over active links.
  size_t reachable() {
    auto alive = live();
    std::set<std::string> seen{alive.front()};
    std::deque<std::string> todo{alive.front()};
    while (!todo.empty()) {
      auto n = todo.front();
      todo.pop_front();
      for (auto& peer : net[n].peers())
        if (net.down.count(peer) == 0 && seen.insert(peer).second)
          todo.push_back(peer);
    }
    return seen.size();
  }
  bool connected() { return reachable() == live().size(); }
  /// Hops from n0 to each node over active links, summed and at most.
  struct distances {
    size_t sum = 0;
    size_t max = 0;
  };
  distances from_first() {
    std::map<std::string, size_t> hops{{names[0], 0}};
    std::deque<std::string> todo{names[0]};
    distances d;
    while (!todo.empty()) {
      auto n = todo.front();
      todo.pop_front();
      for (auto& peer : net[n].peers())
        if (hops.emplace(peer, hops[n] + 1).second) {
          d.sum += hops[peer];
          d.max = std::max(d.max, hops[peer]);
          todo.push_back(peer);
        }
    }
    return d;
  }
  /// Rounds until `ok` holds (at most `max`); max + 1 if it never did.
  template <class F> size_t rounds_until(size_t max, F ok) {
    for (size_t i = 0; i <= max; ++i) {
      if (ok())
        return i;
      net.round();
    }
    return max + 1;
  }
};

} // namespace

// -- the overlay --------------------------------------------------------------

TEST(HyParView, FiftyJoinersBuildASymmetricConnectedOverlay) {
  overlay o{50};
  o.rounds(40); // shuffles, and one round of mixing (30)
  size_t links = 0;
  for (size_t i = 0; i < 50; ++i) {
    auto& n = o.node(i);
    auto passive = passive_of(n);
    EXPECT_GE(n.peers().size(), 1u) << n.self();
    EXPECT_LE(n.peers().size(), 5u) << n.self();
    EXPECT_LE(passive.size(), 30u) << n.self();
    // Shuffles have filled the passive views well beyond the active ones.
    EXPECT_GE(passive.size(), 15u) << n.self();
    EXPECT_FALSE(contains(passive, n.self()));
    EXPECT_FALSE(contains(n.peers(), n.self()));
    for (auto& peer : n.peers())
      EXPECT_FALSE(contains(passive, peer)) << n.self() << " has " << peer << " twice";
    links += n.peers().size();
    // Keepalives hold every quiet link: nothing failed for silence.
    for (auto& e : n.events_of(event_kind::member_down))
      EXPECT_EQ(e.detail.find("silent"), std::string::npos)
          << n.self() << ": " << e.detail;
  }
  EXPECT_TRUE(o.symmetric());
  EXPECT_TRUE(o.connected());
  // Repair fills views up to `active`: most nodes are at or near 5.
  EXPECT_GE(links, 50u * 4);
}

// 200 nodes join through n0 at once. The paper's contact evicts a random
// neighbour per JOIN, so its view holds only the latest joiners, whose one
// link is to it: each walk ends at once at one of them, and joiner k links
// to joiners k-1..k-4, a band: here the farthest node was 24 hops from n0,
// 10.5 on average. With guests, the walks go out through settled
// neighbours: 5 and 3.6.
TEST(HyParView, AJoinStormThroughOneContactBuildsAShallowOverlay) {
  overlay o{200, params{}, overlay::at_once};
  o.rounds(30);
  EXPECT_TRUE(o.connected());
  EXPECT_TRUE(o.symmetric());
  auto d = o.from_first();
  EXPECT_LE(d.max, 7u) << "hops to the farthest node";
  EXPECT_LE(d.sum, 199u * 4) << "mean " << d.sum / 199.0;
  for (auto& n : o.names)
    EXPECT_LE(o.net[n].peers().size(), 5u) << n;
}

TEST(HyParView, SurvivorsReconnectAfterFortyPercentCrashWithBounces) {
  overlay o{50};
  o.rounds(20);
  crash(o);
  // Each live neighbour of a crashed node hears the bounce (link_lost).
  for (auto& n : o.live()) {
    auto peers = o.net[n].peers();
    for (auto& peer : peers)
      if (o.net.down.count(peer) > 0)
        o.net[n].proto().link_lost(o.net[n], peer);
  }
  EXPECT_TRUE(o.only_live());
  auto took = o.rounds_until(30, [&] { return o.connected() && o.symmetric(); });
  EXPECT_LE(took, 30u);
  EXPECT_TRUE(o.only_live());
  // And the views fill up again (requests to dead candidates time out here:
  // the fake network does not bounce them).
  auto live = o.live();
  auto filled = o.rounds_until(30, [&] {
    for (auto& n : live)
      if (o.net[n].peers().size() < 2)
        return false;
    return true;
  });
  EXPECT_LE(filled, 30u);
  EXPECT_TRUE(o.only_live());
}

TEST(HyParView, SilenceAloneDetectsCrashedNeighbours) {
  overlay o{50};
  o.rounds(20);
  crash(o);
  // Without bounces, the crashed stay in views until `timeout` (5) rounds
  // of silence, then go; the survivors reconnect soon after.
  EXPECT_FALSE(o.only_live());
  auto took =
      o.rounds_until(40, [&] { return o.only_live() && o.connected() && o.symmetric(); });
  EXPECT_GE(took, 5u);
  EXPECT_LE(took, 40u);
}

namespace {

// Islands: even and odd numbered nodes.
bool crosses(const envelope& e) {
  return (std::stoi(e.from.substr(1)) % 2) != (std::stoi(e.to.substr(1)) % 2);
}

bool cross_links(overlay& o) {
  for (auto& n : o.names)
    for (auto& peer : o.net[n].peers())
      if ((std::stoi(n.substr(1)) % 2) != (std::stoi(peer.substr(1)) % 2))
        return true;
  return false;
}

/// Splits the overlay into even and odd islands for 60 rounds: cross links
/// time out and each island fills its views with its own members. Small
/// active views (3) leave hardly a node with room, as in partisan#75.
void partition(overlay& o) {
  o.rounds(20);
  ASSERT_TRUE(cross_links(o));
  o.net.drop = crosses;
  o.rounds(60);
  ASSERT_FALSE(cross_links(o)) << "the partition did not split the overlay";
  ASSERT_FALSE(o.connected());
  o.net.drop = nullptr;
}

} // namespace

TEST(HyParView, IslandsOfAHealedPartitionMergeThroughMixing) {
  overlay o{40, params{{"mix-every", "10"}, {"active", "3"}}};
  partition(o);
  auto took = o.rounds_until(40, [&] { return o.connected(); });
  EXPECT_LE(took, 40u);
  EXPECT_TRUE(o.symmetric());
}

TEST(HyParView, WithoutMixingTheIslandsStayApart) {
  // The control for the test above: full views never ask their passive
  // candidates, so cross entries in them are never used.
  overlay o{40, params{{"mix-every", "0"}, {"active", "3"}}};
  partition(o);
  o.rounds(100);
  EXPECT_FALSE(o.connected());
}

// -- trust ----------------------------------------------------------------------

// One JOIN claiming a foreign address, sent to one node of a joined overlay:
// only that node may dial it (to verify it); its FORWARDJOIN walks would have
// made the node at the end of each walk connect there too, and left it in
// passive views to be dialled and passed on by others.
TEST(HyParView, AForgedJoinMakesNoOtherNodeDialItsAddress) {
  overlay o{20};
  o.rounds(10);
  auto& contact = o.node(3);
  ASSERT_GE(contact.peers().size(), 2u);
  contact.verify_all = false; // the contact's connection there never verifies it
  for (auto& n : o.names)
    o.net[n].clear_records();
  contact.receive_typed(hv_join{"evil", "6.6.6.6:1"}, "evil");
  o.rounds(40);
  for (auto& n : o.names) {
    if (n == contact.self())
      continue;
    auto& x = o.net[n];
    for (auto& up : x.ups)
      EXPECT_NE(up.address, "6.6.6.6:1") << n << " brought it up";
    for (auto& e : x.log)
      EXPECT_FALSE(e.kind == envelope::to_address && e.to == "6.6.6.6:1") << n;
    EXPECT_FALSE(contains(x.peers(), "evil")) << n;
  }
  // Nor does anyone pass the address on (the contact's shuffles may name
  // "evil", without it).
  for (auto& n : o.names) {
    auto& x = o.net[n];
    for (auto& w : x.sent<hv_forward_join>())
      EXPECT_NE(w.joiner.address, "6.6.6.6:1") << n;
    auto entries = [&](const std::vector<hv_peer>& xs) {
      for (auto& e : xs)
        EXPECT_NE(e.address, "6.6.6.6:1") << n;
    };
    for (auto& s : x.sent<hv_shuffle>())
      entries(s.entries);
    for (auto kind : {envelope::send, envelope::to_address})
      for (auto& r : x.sent<hv_shuffle_reply>(kind))
        entries(r.entries);
  }
  EXPECT_TRUE(contact.sent<hv_forward_join>().empty());
}
