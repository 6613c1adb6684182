// Push-sum (Kempe, Dobra, Gehrke) through fake ports: a share moves half the
// mass and conserves it exactly; estimates converge to the average, the sum
// or the count; a share with negative weight never reaches the handler.
#include <gtest/gtest.h>

#include <caf/error.hpp>

#include <cmath>
#include <tuple>

#include "fake_port.hpp"
#include "gossip/push_sum.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

push_sum_state state(fake_node& n) {
  auto s = push_sum_state_of(n.proto());
  EXPECT_TRUE(s.has_value());
  return s.value_or(push_sum_state{});
}

struct sum_net {
  fake_network net;
  std::vector<std::string> names;
  sum_net(const std::vector<std::string>& values, const params& ps) {
    for (size_t i = 0; i < values.size(); ++i) {
      names.push_back(std::to_string(i));
      auto& n = net.add(names.back());
      n.set_label(names.back(), "value", values[i]);
      n.add("push-sum", ps);
    }
    net.connect_all();
  }
  push_sum_state total() {
    push_sum_state t;
    for (auto& n : names) {
      auto s = state(net[n]);
      t.s += s.s;
      t.w += s.w;
    }
    return t;
  }
};

} // namespace

TEST(PushSum, AShareMovesHalfAndConservesMassExactly) {
  sum_net t{{"0.1", "0.7"}, {}};
  auto& a = t.net["0"];
  auto& b = t.net["1"];
  a.tick();
  auto shares = a.sent<push_sum_share>();
  ASSERT_EQ(shares.size(), 1u);
  EXPECT_EQ(a.log[0].to, "1");
  EXPECT_EQ(a.log[0].what, carries::update);
  auto s0 = to_mass(0.1);
  EXPECT_EQ(state(a).s, s0 - (s0 >> 1)); // kept the remainder
  EXPECT_EQ(state(a).w, to_mass(1.0) / 2);
  t.net.settle();
  EXPECT_EQ(state(b).s, to_mass(0.7) + (s0 >> 1));
  auto total = t.total();
  EXPECT_EQ(total.s, to_mass(0.1) + to_mass(0.7));
  EXPECT_EQ(total.w, 2 * to_mass(1.0));
}

TEST(PushSum, ManyRoundsConserveMassAndConvergeToTheAverage) {
  sum_net t{{"1", "2.5", "-3", "7.25", "0.3"}, {}};
  push_sum_state start;
  for (auto v : {1.0, 2.5, -3.0, 7.25, 0.3})
    start.s += to_mass(v);
  start.w = 5 * to_mass(1.0);
  for (int r = 0; r < 80; ++r) {
    t.net.round();
    auto total = t.total();
    ASSERT_EQ(total.s, start.s) << "round " << r;
    ASSERT_EQ(total.w, start.w) << "round " << r;
  }
  for (auto& n : t.names)
    EXPECT_NEAR(state(t.net[n]).estimate(), 8.05 / 5, 1e-6) << n;
}

TEST(PushSum, SumAndCountWithALeader) {
  sum_net sum{{"4", "5", "6"}, {{"aggregate", "sum"}, {"leader", "0"}}};
  sum_net count{{"4", "5", "6"}, {{"aggregate", "count"}, {"leader", "2"}}};
  for (int r = 0; r < 80; ++r) {
    sum.net.round();
    count.net.round();
  }
  for (auto& n : sum.names) {
    EXPECT_NEAR(state(sum.net[n]).estimate(), 15.0, 1e-6) << n;
    EXPECT_NEAR(state(count.net[n]).estimate(), 3.0, 1e-6) << n;
  }
}

TEST(PushSum, ANegativeWeightIsRejectedBeforeTheHandler) {
  fake_node b{"b"};
  b.set_label("b", "value", "3");
  b.add("push-sum");
  push_sum_share bad{"a"};
  bad.w_hi = ~uint64_t{0}; // two's complement: negative
  b.receive_typed(bad, "a");
  EXPECT_EQ(b.rejected, std::vector<std::string>{"negative weight"});
  // Not even started: the handler would have set (3, 1) first.
  EXPECT_EQ(state(b).s, 0);
  EXPECT_EQ(state(b).w, 0);
  push_sum_share good{"a"};
  good.w_lo = 1;
  b.receive_typed(good, "a");
  EXPECT_EQ(state(b).w, to_mass(1.0) + 1);
  EXPECT_EQ(state(b).s, to_mass(3.0));
}

TEST(PushSum, ASharePoorInWeightButRichInMassIsDropped) {
  // The attack: one share moving the cluster's average from 1 to 1.5e18.
  fake_node b{"b"};
  b.set_label("b", "value", "1");
  b.add("push-sum");
  push_sum_share evil{"a"};
  auto s = to_mass(1.5e9) * 1000000000; // 1.5e18 of mass for a tiny weight
  evil.s_hi = static_cast<uint64_t>(static_cast<unsigned __int128>(s) >> 64);
  evil.s_lo = static_cast<uint64_t>(s);
  evil.w_lo = 1000;
  b.receive_typed(evil, "a");
  EXPECT_EQ(b.rejected_items.size(), 1u);
  push_sum_share heavy{"a"};
  heavy.w_hi = 2000000; // two million nodes' weight: more than --max-nodes
  b.receive_typed(heavy, "a");
  EXPECT_EQ(b.rejected_items.size(), 2u);
  // An honest share (value 2, weight 1/2) is taken.
  auto w = to_mass(1.0) / 2;
  push_sum_share honest{"a"};
  honest.s_hi = static_cast<uint64_t>(static_cast<unsigned __int128>(2 * w) >> 64);
  honest.s_lo = static_cast<uint64_t>(2 * w);
  honest.w_hi = static_cast<uint64_t>(static_cast<unsigned __int128>(w) >> 64);
  honest.w_lo = static_cast<uint64_t>(w);
  b.receive_typed(honest, "a");
  EXPECT_EQ(b.rejected_items.size(), 2u);
  EXPECT_NEAR(state(b).estimate(), (1.0 + 1.0) / 1.5, 1e-9);
}

// For the count every value is 1 and only the leader starts with weight 1:
// no honest share weighs more than 1 or counts more than --max-nodes.
TEST(PushSum, ACountShareBeyondTheClusterIsDropped) {
  fake_node b{"b"};
  b.add("push-sum", {{"aggregate", "count"}, {"leader", "b"}, {"max-nodes", "1000"}});
  auto share = [](mass s, mass w) {
    push_sum_share m{"a"};
    m.s_hi = static_cast<uint64_t>(static_cast<unsigned __int128>(s) >> 64);
    m.s_lo = static_cast<uint64_t>(s);
    m.w_hi = static_cast<uint64_t>(static_cast<unsigned __int128>(w) >> 64);
    m.w_lo = static_cast<uint64_t>(w);
    return m;
  };
  b.receive_typed(share(to_mass(1e15), 0), "a");   // the 1 -> 1.5e18
  b.receive_typed(share(to_mass(-2.0), 0), "a");   // a negative count
  b.receive_typed(share(0, to_mass(2.0)), "a");    // twice the leader's weight
  b.receive_typed(share(to_mass(1001.0), 0), "a"); // more than --max-nodes
  EXPECT_EQ(b.rejected_items.size(), 4u);
  b.receive_typed(share(to_mass(2.0), to_mass(0.5)), "a"); // honest
  EXPECT_EQ(b.rejected_items.size(), 4u);
  EXPECT_NEAR(state(b).estimate(), 3.0 / 1.5, 1e-9);
}

TEST(PushSum, AShareThatWouldOverflowTheMassIsDropped) {
  // Each share is plausible (|s| <= max-value * w), but two of them exceed
  // the 2^127 of fixed point that the node's s can hold.
  fake_node b{"b"};
  b.set_label("b", "value", "0");
  b.add("push-sum", {{"max-value", "1e18"}});
  push_sum_share big{"a"};
  big.s_hi = uint64_t{1} << 62; // 2^62 of value
  big.w_hi = 8;                 // for a weight of 8
  b.receive_typed(big, "a");
  EXPECT_TRUE(b.rejected_items.empty());
  auto before = state(b);
  b.receive_typed(big, "a");
  EXPECT_EQ(b.rejected_items,
            std::vector<std::string>{"push-sum share would overflow the mass"});
  EXPECT_EQ(state(b).s, before.s);
  EXPECT_EQ(state(b).w, before.w);
}

TEST(PushSum, LabelValuesAreParsedStrictly) {
  EXPECT_EQ(parse_push_sum_value("2.5", 1e15), 2.5);
  for (auto bad : {"nan", "inf", "abc", "1e300", "", "3x"})
    EXPECT_FALSE(parse_push_sum_value(bad, 1e15).has_value()) << bad;
}

TEST(PushSum, ValueByRequestBeforeTheFirstRoundOnly) {
  fake_node a{"a"};
  a.add("push-sum");
  auto nan = a.request(caf::make_message(push_sum_atom::value, std::nan("")));
  ASSERT_TRUE(nan);
  EXPECT_TRUE(as<caf::error>(*nan));
  auto ok = a.request(caf::make_message(push_sum_atom::value, 42.0));
  ASSERT_TRUE(ok);
  EXPECT_FALSE(as<caf::error>(*ok));
  a.tick(); // no peer: keeps everything
  EXPECT_EQ(state(a).s, to_mass(42.0));
  auto late = a.request(caf::make_message(push_sum_atom::value, 1.0));
  ASSERT_TRUE(late);
  EXPECT_TRUE(as<caf::error>(*late));
  auto est = a.request(caf::make_message(push_sum_atom::value));
  ASSERT_TRUE(est);
  ASSERT_TRUE((est->match_elements<double, uint64_t>()));
  EXPECT_DOUBLE_EQ(est->get_as<double>(0), 42.0);
  EXPECT_EQ(est->get_as<uint64_t>(1), 1u);
}

TEST(PushSum, MassRoundTripsThroughFixedPoint) {
  for (double x : {0.0, 1.0, -1.0, 0.5, 1e9 + 0.25, -123.125})
    EXPECT_DOUBLE_EQ(from_mass(to_mass(x)), x) << x;
  EXPECT_TRUE(std::isnan(push_sum_state{}.estimate()));
}
