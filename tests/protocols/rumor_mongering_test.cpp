// Rumor mongering (Demers et al., complex epidemics) through fake ports: how
// a node loses interest (feedback or blind, counter or coin), pull answers,
// and the connection limit.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/rumor_mongering.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

struct rm_pair {
  fake_network net;
  fake_node& a;
  fake_node& b;
  explicit rm_pair(const params& ps) : a(net.add("a")), b(net.add("b")) {
    net.connect_all();
    a.add("rumor", ps);
    b.add("rumor", ps);
  }
  /// b already holds what a wrote under `key`.
  void b_knows(const std::string& key) { b.data().merge(key, *a.data().find(key)); }
  /// Only a runs a round; the exchange it starts completes.
  void a_round() {
    a.tick();
    net.settle();
  }
};

keyed_entry make_entry(std::string key, uint64_t version, std::string origin) {
  return keyed_entry{std::move(key), entry{"v", version, std::move(origin)}};
}

} // namespace

TEST(RumorMongering, FeedbackCounterLosesInterestAfterKContactsThatKnew) {
  rm_pair t{{{"counter", "2"}}};
  t.a.write("x", "1");
  t.b_knows("x");
  EXPECT_EQ(t.a.pending(), 1u);
  t.a_round();
  auto fb = t.b.replied<rm_feedback>();
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].known, std::vector<std::string>{"x"});
  EXPECT_EQ(t.a.pending(), 1u); // one contact that knew: still hot
  t.a_round();
  EXPECT_EQ(t.a.pending(), 0u); // two: lost interest
  t.a_round();
  EXPECT_EQ(t.a.sent<rm_push>().size(), 2u); // nothing more pushed
}

TEST(RumorMongering, WithFeedbackAContactThatLearnedItDoesNotCount) {
  rm_pair t{{{"counter", "1"}}};
  t.a.write("x", "1");
  t.a_round(); // b learns x: no contact that knew
  EXPECT_NE(t.b.data().get("x"), nullptr);
  EXPECT_EQ(t.b.fresh, 1u);
  EXPECT_TRUE(t.b.replied<rm_feedback>().at(0).known.empty());
  EXPECT_EQ(t.a.pending(), 1u);
  EXPECT_EQ(t.b.pending(), 1u); // new to b: hot there
  t.a_round();                  // now b knew it
  EXPECT_EQ(t.a.pending(), 0u);
}

TEST(RumorMongering, BlindCounterCountsEveryContactAndSendsNoFeedback) {
  rm_pair t{{{"blind", "true"}, {"counter", "2"}}};
  t.a.write("x", "1");
  t.a_round();
  EXPECT_EQ(t.a.pending(), 1u);
  t.a_round();
  EXPECT_EQ(t.a.pending(), 0u);
  EXPECT_TRUE(t.b.replied<rm_feedback>().empty());
  EXPECT_EQ(t.b.fresh, 1u);
}

TEST(RumorMongering, CoinOfOneLosesInterestAtTheFirstContact) {
  rm_pair blind{{{"blind", "true"}, {"coin", "1"}}};
  blind.a.write("x", "1");
  blind.a_round();
  EXPECT_EQ(blind.a.pending(), 0u);
  rm_pair feedback{{{"coin", "1"}}};
  feedback.a.write("x", "1");
  feedback.a_round(); // b did not know: no coin tossed
  EXPECT_EQ(feedback.a.pending(), 1u);
  feedback.a_round();
  EXPECT_EQ(feedback.a.pending(), 0u);
}

TEST(RumorMongering, PushGoesToFanoutPeers) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d"});
  a.add("rumor", {{"fanout", "2"}});
  a.tick();
  EXPECT_TRUE(a.log.empty()); // nothing hot
  a.write("x", "1");
  a.tick();
  auto to = a.targets<rm_push>();
  ASSERT_EQ(to.size(), 2u);
  EXPECT_NE(to[0], to[1]);
  EXPECT_TRUE(a.sent<rm_pull>().empty());
}

TEST(RumorMongering, PullModeAnswersOnlyWithHotRumors) {
  fake_node a{"a"};
  a.set_peers({"b"});
  a.add("rumor", {{"mode", "pull"}});
  a.data().put("cold", "1", "a"); // stored, never hot here
  a.write("x", "2");
  a.tick();
  EXPECT_TRUE(a.sent<rm_push>().empty());
  EXPECT_EQ(a.sent<rm_pull>().size(), 1u);
  a.receive_typed(rm_pull{"b", "", "", {}}, "b");
  auto answers = a.replied<rm_push>();
  ASSERT_EQ(answers.size(), 1u);
  ASSERT_EQ(answers[0].entries.size(), 1u);
  EXPECT_EQ(answers[0].entries[0].key, "x");
  EXPECT_EQ(a.log.back().to, "b");
  EXPECT_EQ(a.log.back().what, carries::update);
  // Asked by one who has it: no answer, and a contact that knew.
  a.receive_typed(rm_pull{"b", "", "", a.data().digest()}, "b");
  EXPECT_EQ(a.replied<rm_push>().size(), 1u);
  EXPECT_EQ(a.pending(), 0u);
}

TEST(RumorMongering, APullRoundTripSpreadsTheRumor) {
  rm_pair t{{{"mode", "pull"}}};
  t.a.write("x", "1");
  t.b.tick();
  t.net.settle();
  ASSERT_NE(t.b.data().get("x"), nullptr);
  EXPECT_EQ(t.b.pending(), 1u);
  // b's feedback on the answer went back to a: b did not know it.
  auto fb = t.b.replied<rm_feedback>();
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_TRUE(fb[0].known.empty());
  EXPECT_EQ(t.b.log.back().to, "a");
}

TEST(RumorMongering, PushPullModeDoesBoth) {
  fake_node a{"a"};
  a.set_peers({"b"});
  a.add("rumor", {{"mode", "push-pull"}});
  a.write("x", "1");
  a.tick();
  EXPECT_EQ(a.sent<rm_push>().size(), 1u);
  EXPECT_EQ(a.sent<rm_pull>().size(), 1u);
}

TEST(RumorMongering, ConnectionLimitTurnsAwayExtraPushesInARound) {
  fake_node b{"b"};
  b.add("rumor", {{"connection-limit", "1"}});
  b.receive_typed(rm_push{"a", {make_entry("x", 1, "a")}}, "a");
  b.receive_typed(rm_push{"c", {make_entry("y", 1, "c")}}, "c");
  EXPECT_NE(b.data().get("x"), nullptr);
  EXPECT_EQ(b.data().get("y"), nullptr); // turned away
  EXPECT_EQ(b.replied<rm_feedback>().size(), 1u);
  b.tick(); // a new round: one more is taken
  b.receive_typed(rm_push{"c", {make_entry("y", 1, "c")}}, "c");
  EXPECT_NE(b.data().get("y"), nullptr);
  EXPECT_EQ(b.replied<rm_feedback>().size(), 2u);
}

TEST(RumorMongering, FeedbackForAColdKeyIsIgnored) {
  fake_node a{"a"};
  a.add("rumor", {{"counter", "1"}});
  a.write("x", "1");
  a.receive_typed(rm_feedback{"b", {"y", "z"}}, "b");
  EXPECT_EQ(a.pending(), 1u);
  a.receive_typed(rm_feedback{"b", {"x"}}, "b");
  EXPECT_EQ(a.pending(), 0u);
}

TEST(RumorMongering, BadModeAndCoinWithCounterAreRefused) {
  EXPECT_THROW(make_protocol("rumor", {{"mode", "gossip"}}), std::invalid_argument);
  EXPECT_THROW(make_protocol("rumor", {{"coin", "2"}, {"counter", "2"}}),
               std::invalid_argument);
}

TEST(RumorMongering, AnOverlongFeedbackKeyIsRejected) {
  fake_node a{"a"};
  a.lim.max_key_bytes = 4;
  a.add("rumor", {{"counter", "1"}});
  a.write("x", "1");
  a.receive_typed(rm_feedback{"b", {"x", "too-long"}}, "b");
  EXPECT_EQ(a.rejected.size(), 1u);
  EXPECT_EQ(a.pending(), 1u); // the handler did not run
}

TEST(RumorMongering, FeedbackNamesNoKeyOfARejectedEntry) {
  fake_node b{"b"};
  b.lim.max_key_bytes = 4;
  b.add("rumor", {{"counter", "1"}});
  b.write("x", "1");
  keyed_entry had{"x", *b.data().find("x")};
  b.receive_typed(rm_push{"a", {had, make_entry("too-long", 1, "a")}}, "a");
  EXPECT_EQ(b.rejected_items.size(), 1u);
  // "x" it had; "too-long" it dropped, so it did not know it either.
  EXPECT_EQ(b.replied<rm_feedback>().at(0).known, std::vector<std::string>{"x"});
}
