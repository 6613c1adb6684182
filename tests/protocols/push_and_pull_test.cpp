// Push and pull through fake ports, and the validation every handler passes:
// a bad message is turned away by the gate, a bad item of a batch is dropped.
#include <gtest/gtest.h>

#include <set>

#include "fake_port.hpp"
#include "gossip/pull.hpp"
#include "gossip/push.hpp"

using namespace gossip;
using namespace gossip::test;

// -- push ----------------------------------------------------------------------

TEST(Push, SendsTheWholeStoreToFanoutDistinctPeers) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d", "a"});
  a.add("push", {{"fanout", "2"}});
  a.write("x", "1");
  a.write("y", "2");
  a.tick();
  auto to = a.targets<push_msg>();
  ASSERT_EQ(to.size(), 2u);
  EXPECT_NE(to[0], to[1]);
  for (auto& peer : to)
    EXPECT_NE(peer, "a");
  for (auto& m : a.sent<push_msg>()) {
    EXPECT_EQ(m.from, "a");
    EXPECT_EQ(m.entries.size(), 2u);
  }
  for (auto& e : a.log)
    EXPECT_EQ(e.what, carries::update);
}

TEST(Push, AnEmptyStoreSendsNothing) {
  fake_node a{"a"};
  a.set_peers({"b"});
  a.add("push");
  a.tick();
  EXPECT_TRUE(a.log.empty());
}

TEST(Push, ReceiverMergesCountsFreshAndReports) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  a.add("push");
  b.add("push");
  a.write("x", "1");
  a.tick();
  EXPECT_EQ(net.settle(), 1u);
  ASSERT_NE(b.data().get("x"), nullptr);
  EXPECT_EQ(*b.data().get("x"), "1");
  EXPECT_EQ(b.fresh, 1u);
  EXPECT_EQ(b.bound, std::vector<std::string>{"a"});
  EXPECT_EQ(b.events_of(event_kind::delivered).size(), 1u);
  EXPECT_EQ(b.events_of(event_kind::stored).size(), 1u);
  // The same push again changes nothing: delivered, but not fresh or stored.
  a.tick();
  net.settle();
  EXPECT_EQ(b.fresh, 1u);
  EXPECT_EQ(b.events_of(event_kind::delivered).size(), 2u);
  EXPECT_EQ(b.events_of(event_kind::stored).size(), 1u);
}

TEST(Push, UnobservedNodeEmitsNothingButStillMerges) {
  fake_node b{"b"};
  b.observed_flag = false;
  b.add("push");
  EXPECT_TRUE(b.receive_typed(push_msg{"a", {make_entry("x", "1", 1, "a")}}, "a"));
  EXPECT_TRUE(b.events.empty());
  EXPECT_NE(b.data().get("x"), nullptr);
}

// -- pull ----------------------------------------------------------------------

TEST(Pull, AsksWithADigestAndMergesTheAnswer) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  a.add("pull");
  b.add("pull");
  a.write("x", "1");
  a.write("y", "2");
  b.write("z", "3");
  b.tick();
  auto reqs = b.sent<pull_request>();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].digest.size(), 1u);
  EXPECT_EQ(b.log[0].what, carries::control);
  net.settle();
  // a answered b (the sender of the request) with what b lacked only.
  auto answers = a.replied<pull_response>();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].entries.size(), 2u);
  EXPECT_EQ(a.log.back().to, "b");
  EXPECT_EQ(a.log.back().what, carries::update);
  EXPECT_EQ(b.data().size(), 3u);
  EXPECT_EQ(b.fresh, 2u);
  // a learns z only when it asks itself.
  EXPECT_EQ(a.data().get("z"), nullptr);
  a.tick();
  net.settle();
  EXPECT_EQ(a.data(), b.data());
}

TEST(Pull, NothingNewerMeansNoAnswer) {
  fake_node a{"a"};
  a.add("pull");
  a.write("x", "1");
  EXPECT_TRUE(a.receive_typed(pull_request{"b", "", "", a.data().digest()}, "b"));
  EXPECT_TRUE(a.log.empty());
  // An older digest gets the newer entry.
  auto old = a.data().digest();
  old[0].version = 0;
  a.receive_typed(pull_request{"b", "", "", old}, "b");
  ASSERT_EQ(a.replied<pull_response>().size(), 1u);
}

// -- validation through the gate -----------------------------------------------

TEST(Validation, AMessageFailingValidateNeverReachesTheHandler) {
  fake_node b{"b"};
  b.add("push");
  EXPECT_TRUE(b.receive_typed(push_msg{"", {make_entry("x", "1", 1, "a")}}, "a"));
  EXPECT_EQ(b.received, 1u);
  ASSERT_EQ(b.rejected.size(), 1u);
  EXPECT_EQ(b.rejected[0], "empty node name");
  EXPECT_TRUE(b.bound.empty()); // not even bound
  EXPECT_EQ(b.data().size(), 0u);
  EXPECT_EQ(b.fresh, 0u);
  EXPECT_TRUE(b.events.empty());
}

TEST(Validation, AnOversizedBatchIsRejectedWhole) {
  fake_node b{"b"};
  b.lim.max_entries = 2;
  b.add("pull");
  std::vector<keyed_entry> xs{make_entry("x", "1", 1, "a"), make_entry("y", "1", 2, "a"),
                              make_entry("z", "1", 3, "a")};
  b.receive_typed(pull_response{"a", xs, ""}, "a");
  ASSERT_EQ(b.rejected.size(), 1u);
  EXPECT_EQ(b.data().size(), 0u);
  xs.pop_back();
  b.receive_typed(pull_response{"a", xs, ""}, "a");
  EXPECT_EQ(b.rejected.size(), 1u);
  EXPECT_EQ(b.data().size(), 2u);
}

TEST(Validation, OneBadEntryIsDroppedAndCountedTheRestMerged) {
  fake_node b{"b"};
  b.add("push");
  push_msg m{"a",
             {make_entry("x", "1", 1, "a"), make_entry("bad", "1", 0, "a"),
              make_entry("y", "2", 2, "a"), make_entry("", "3", 3, "a")}};
  b.receive_typed(m, "a");
  EXPECT_TRUE(b.rejected.empty()); // the message itself was fine
  ASSERT_EQ(b.rejected_items.size(), 2u);
  EXPECT_EQ(b.rejected_items[0], "entry with version 0");
  EXPECT_EQ(b.data().size(), 2u);
  EXPECT_EQ(b.data().find("bad"), nullptr);
  EXPECT_EQ(b.fresh, 2u);
}

TEST(Validation, ATombstoneWithAValueIsDropped) {
  fake_node b{"b"};
  b.add("push");
  auto t = make_entry("x", "ghost", 5, "a");
  t.e.tombstone = true;
  b.receive_typed(push_msg{"a", {t, make_entry("y", "1", 1, "a")}}, "a");
  EXPECT_EQ(b.rejected_items, std::vector<std::string>{"tombstone with a value"});
  EXPECT_EQ(b.data().find("x"), nullptr);
  EXPECT_NE(b.data().get("y"), nullptr);
}

// The origin time only feeds a histogram, but a negative one is no honest
// wall clock: the entry is dropped like any malformed one; the rest is kept
// with the origin time it came with.
TEST(Validation, AnEntryWithANegativeOriginTimeIsDropped) {
  fake_node b{"b"};
  b.add("push");
  auto bad = make_entry("x", "1", 5, "a");
  bad.e.written_ms = -1;
  auto good = make_entry("y", "1", 1, "a");
  good.e.written_ms = 1'700'000'000'000;
  b.receive_typed(push_msg{"a", {bad, good}}, "a");
  EXPECT_EQ(b.rejected_items,
            std::vector<std::string>{"entry with a negative origin time"});
  EXPECT_EQ(b.data().find("x"), nullptr);
  ASSERT_NE(b.data().find("y"), nullptr);
  EXPECT_EQ(b.data().find("y")->written_ms, 1'700'000'000'000);
}

TEST(Validation, AForeignMessageIsNotTaken) {
  fake_node b{"b"};
  b.add("push");
  EXPECT_FALSE(b.receive(caf::make_message(std::string{"hello"})));
  EXPECT_FALSE(b.receive_typed(pull_request{"a", "", "", {}}));
  EXPECT_EQ(b.unhandled, 2u);
  EXPECT_EQ(b.received, 0u);
}
