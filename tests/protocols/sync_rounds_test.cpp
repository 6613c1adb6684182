// Synchronous rounds (port::holds_merges): what a node receives in a round
// takes effect when the round ends, so it answers and judges "already known"
// from its state at the round's start. The protocols are unchanged; only the
// port holds the entries.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/pull.hpp"
#include "gossip/rumor_mongering.hpp"

namespace gossip::test {

namespace {

keyed_entry news() {
  return make_entry("x", "hello", 1, "a");
}

} // namespace

TEST(SyncRounds, NewsArrivingInARoundIsNotPassedOnInThatRound) {
  fake_node b{"b"};
  b.holding = true;
  b.add("pull");
  ASSERT_TRUE(b.receive_typed(pull_response{"a", {news()}, ""}, "a"));
  EXPECT_EQ(b.data().get("x"), nullptr); // held, not merged
  EXPECT_EQ(b.fresh, 0u);
  ASSERT_TRUE(b.receive_typed(pull_request{"c", "", "", {}}, "c"));
  EXPECT_TRUE(b.replied<pull_response>().empty()) << "answered from the round's start";
  b.end_round();
  ASSERT_NE(b.data().get("x"), nullptr);
  EXPECT_EQ(b.fresh, 1u);
  ASSERT_TRUE(b.receive_typed(pull_request{"c", "", "", {}}, "c"));
  ASSERT_EQ(b.replied<pull_response>().size(), 1u); // next round: passed on
  EXPECT_EQ(b.replied<pull_response>()[0].entries.at(0).key, "x");
}

TEST(SyncRounds, TwoPushesOfTheSameNewsInOneRoundBothFindItNew) {
  fake_node b{"b"};
  b.holding = true;
  b.add("rumor", {{"counter", "1"}});
  ASSERT_TRUE(b.receive_typed(rm_push{"a1", {news()}}, "a1"));
  ASSERT_TRUE(b.receive_typed(rm_push{"a2", {news()}}, "a2"));
  auto fb = b.replied<rm_feedback>();
  ASSERT_EQ(fb.size(), 2u);
  EXPECT_TRUE(fb[0].known.empty());
  EXPECT_TRUE(fb[1].known.empty()) << "b did not know it at the start of the round";
  b.end_round();
  EXPECT_EQ(b.fresh, 1u); // merged once
  ASSERT_TRUE(b.receive_typed(rm_push{"a3", {news()}}, "a3"));
  EXPECT_EQ(b.replied<rm_feedback>().at(2).known, std::vector<std::string>{"x"});
}

TEST(SyncRounds, WithoutHoldingTheSecondPushFindsItKnown) {
  fake_node b{"b"};
  b.add("rumor", {{"counter", "1"}});
  ASSERT_TRUE(b.receive_typed(rm_push{"a1", {news()}}, "a1"));
  ASSERT_TRUE(b.receive_typed(rm_push{"a2", {news()}}, "a2"));
  EXPECT_EQ(b.replied<rm_feedback>().at(1).known, std::vector<std::string>{"x"});
}

} // namespace gossip::test
