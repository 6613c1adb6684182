// Anti-entropy (SYN, ACK, ACK2) through fake ports: one exchange reconciles
// two stores, deltas stay within the budget as contiguous prefixes, and a
// collected tombstone does not bring its key back.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/anti_entropy.hpp"
#include "gossip/rumor_mongering.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

struct pair_net {
  fake_network net;
  fake_node& a;
  fake_node& b;
  explicit pair_net(const params& ps = {}) : a(net.add("a")), b(net.add("b")) {
    net.connect_all();
    a.add("anti-entropy", ps);
    b.add("anti-entropy", ps);
  }
};

} // namespace

TEST(AntiEntropy, SynAckAck2CompletesASync) {
  pair_net t;
  t.a.write("x1", "1");
  t.a.write("x2", "2");
  t.b.write("y", "3");
  t.a.tick();
  auto syn = t.a.sent<ae_syn>();
  ASSERT_EQ(syn.size(), 1u);
  ASSERT_EQ(syn[0].digest.size(), 1u);
  EXPECT_EQ(syn[0].digest[0].origin, "a");
  EXPECT_EQ(syn[0].digest[0].version, 2u);
  EXPECT_EQ(t.net.settle(), 3u);
  auto ack = t.b.replied<ae_ack>();
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].deltas.size(), 1u); // y
  ASSERT_EQ(ack[0].requests.size(), 1u);
  EXPECT_EQ(ack[0].requests[0].origin, "a");
  EXPECT_EQ(ack[0].requests[0].version, 0u);
  auto ack2 = t.a.replied<ae_ack2>();
  ASSERT_EQ(ack2.size(), 1u);
  EXPECT_EQ(ack2[0].deltas.size(), 2u);
  EXPECT_EQ(t.a.data(), t.b.data());
  EXPECT_EQ(t.a.data().size(), 3u);
  // Now equal: a SYN gets no answer at all.
  t.b.tick();
  EXPECT_EQ(t.net.settle(), 1u);
  EXPECT_TRUE(t.a.replied<ae_ack>().empty());
}

TEST(AntiEntropy, AckSendsOnlyWhatIsAboveTheSynsVersion) {
  fake_node b{"b"};
  b.add("anti-entropy");
  for (int i = 1; i <= 5; ++i)
    b.data().merge("k" + std::to_string(i), entry{"v", static_cast<uint64_t>(i), "a"});
  b.receive_typed(ae_syn{"a", {{"a", 3}}, false, "", "", {}}, "a");
  auto ack = b.replied<ae_ack>();
  ASSERT_EQ(ack.size(), 1u);
  ASSERT_EQ(ack[0].deltas.size(), 2u);
  EXPECT_EQ(ack[0].deltas[0].e.version, 4u);
  EXPECT_EQ(ack[0].deltas[1].e.version, 5u);
  EXPECT_TRUE(ack[0].requests.empty());
}

TEST(AntiEntropy, BudgetBoundsEachMessageAndKeepsPrefixes) {
  pair_net t{{{"budget", "300"}}};
  for (int i = 0; i < 20; ++i)
    t.a.write("k" + std::to_string(i), std::string(100, 'v'));
  size_t exchanges = 0;
  while (t.b.data() != t.a.data() && exchanges < 50) {
    t.b.tick(); // b asks; a answers within the budget
    t.net.settle();
    ++exchanges;
    auto acks = t.a.replied<ae_ack>();
    ASSERT_FALSE(acks.empty());
    size_t bytes = 0;
    for (auto& d : acks.back().deltas)
      bytes += delta_bytes(d);
    EXPECT_LE(bytes, 300u);
    EXPECT_GE(acks.back().deltas.size(), 1u);
    // What b holds is always versions 1..n of a's writes, without a gap.
    uint64_t highest = 0;
    for (auto& [key, e] : t.b.data().items())
      highest = std::max(highest, e.version);
    EXPECT_EQ(highest, t.b.data().size());
  }
  EXPECT_EQ(t.b.data(), t.a.data());
  EXPECT_GE(exchanges, 7u); // 20 entries, at most 2 per answer
}

TEST(AntiEntropy, TombstoneIsKeptForGcRoundsThenDropped) {
  fake_node a{"a"};
  a.add("anti-entropy", {{"gc", "3"}});
  a.write("x", "1");
  a.tick();
  ASSERT_TRUE(a.erase("x"));
  std::vector<bool> held;
  for (int i = 0; i < 5; ++i) {
    a.tick();
    held.push_back(a.data().find("x") != nullptr);
  }
  // First seen at round 2, dropped at round 2 + 3.
  EXPECT_EQ(held, (std::vector<bool>{true, true, true, false, false}));
}

TEST(AntiEntropy, WithoutGcATombstoneStays) {
  fake_node a{"a"};
  a.add("anti-entropy");
  a.write("x", "1");
  a.erase("x");
  for (int i = 0; i < 20; ++i)
    a.tick();
  ASSERT_NE(a.data().find("x"), nullptr);
  EXPECT_TRUE(a.data().find("x")->tombstone);
}

TEST(AntiEntropy, ACollectedTombstoneDoesNotResurrect) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  auto& c = net.add("c");
  a.set_peers({"b"});
  b.set_peers({"a"});
  for (auto n : {&a, &b, &c})
    n->add("anti-entropy", {{"gc", "2"}});
  a.write("x", "1");
  c.data().merge("x", *a.data().find("x")); // c keeps the old live write
  net.round();
  ASSERT_NE(b.data().get("x"), nullptr);
  a.erase("x");
  for (int i = 0; i < 6; ++i)
    net.round();
  EXPECT_EQ(a.data().find("x"), nullptr) << "collected";
  EXPECT_EQ(b.data().find("x"), nullptr) << "collected";
  // c, which never saw the delete, joins the exchanges: its stale write is
  // older than the high-water mark a and b remember, so it is not taken.
  a.set_peers({"b", "c"});
  b.set_peers({"a", "c"});
  c.set_peers({"a", "b"});
  for (int i = 0; i < 10; ++i)
    net.round();
  EXPECT_EQ(a.data().find("x"), nullptr);
  EXPECT_EQ(b.data().find("x"), nullptr);
  // Nor is it offered again and again: once refused, its origin's version
  // counts as seen where it is buried.
  c.clear_records();
  for (int i = 0; i < 5; ++i)
    net.round();
  size_t offered = 0;
  for (auto& m : c.replied<ae_ack>())
    for (auto& x : m.deltas)
      offered += x.key == "x" ? 1 : 0;
  EXPECT_EQ(offered, 0u);
  // The sweep told c of the delete it missed (the collected tombstone).
  auto x = c.data().find("x");
  EXPECT_TRUE(x == nullptr || x->tombstone);
}

TEST(AntiEntropy, ABadDeltaIsDroppedAndCountedTheRestMerged) {
  fake_node a{"a"};
  a.add("anti-entropy");
  std::vector<keyed_entry> deltas{
      {"x", entry{"1", 1, "b"}}, {"y", entry{"2", 0, "b"}}, {"z", entry{"3", 2, "b"}}};
  a.receive_typed(ae_ack2{"b", deltas}, "b");
  EXPECT_EQ(a.rejected_items.size(), 1u);
  EXPECT_EQ(a.data().size(), 2u);
  EXPECT_EQ(a.data().find("y"), nullptr);
}

TEST(AntiEntropy, AMalformedDigestIsRejectedBeforeTheHandler) {
  fake_node b{"b"};
  b.add("anti-entropy");
  b.write("x", "1");
  b.receive_typed(ae_syn{"a", {{"", 0}}, false, "", "", {}}, "a");
  ASSERT_EQ(b.rejected.size(), 1u);
  EXPECT_TRUE(b.log.empty()); // no ACK: the handler never ran
}

// rumor_mongering.hpp: "composing rumor,anti-entropy mops that up" (the
// residue). The SYN digest is the highest version held per origin, so a node
// that got a later write of an origin from another protocol (here a rumor
// push) while missing an earlier one never asks for the earlier one by it:
// the sweep (a page of the per-key digest every `sweep` rounds) finds it.
TEST(AntiEntropy, AGapLeftByAnotherProtocolIsFilled) {
  fake_network net;
  auto& m = net.add("m");
  auto& n = net.add("n");
  net.connect_all();
  m.add("anti-entropy");
  n.add("rumor");
  n.add("anti-entropy");
  m.data().merge("k3", entry{"3", 3, "a"});
  m.data().merge("k5", entry{"5", 5, "a"});
  n.receive_typed(rm_push{"a", {{"k5", entry{"5", 5, "a"}}}}, "a"); // k3's push was lost
  ASSERT_NE(n.data().get("k5"), nullptr);
  for (int i = 0; i < 10; ++i)
    net.round();
  EXPECT_NE(n.data().get("k3"), nullptr);
}

// Two equal stores, one of which once held a write of origin a that was
// superseded (x@1 by a, then x@2 by b). Its digest counted a:1 once: the
// other node, which never saw a write of a, asked for it in every ACK,
// forever. A superseded write no longer counts; equal stores stay quiet.
TEST(AntiEntropy, EqualStoresExchangeNoAckAfterASupersededWrite) {
  fake_network net;
  auto& p = net.add("p");
  auto& q = net.add("q");
  net.connect_all();
  p.add("anti-entropy");
  q.add("anti-entropy");
  p.receive_typed(ae_ack2{"a", {{"x", entry{"1", 1, "a"}}}}, "a");
  p.receive_typed(ae_ack2{"b", {{"x", entry{"2", 2, "b"}}}}, "b");
  q.receive_typed(ae_ack2{"b", {{"x", entry{"2", 2, "b"}}}}, "b");
  ASSERT_EQ(p.data(), q.data());
  for (int i = 0; i < 3; ++i) {
    p.tick();
    net.settle();
  }
  EXPECT_TRUE(q.replied<ae_ack>().empty());
}
