// Rumors through fake ports: probabilistic gossip (GOSSIP1(p, k): dedup,
// fanout, p and k, defer, repeat) and directed gossip by interest.
#include <gtest/gtest.h>

#include <caf/error.hpp>

#include <set>

#include "fake_port.hpp"
#include "gossip/directed.hpp"
#include "gossip/probabilistic.hpp"

using namespace gossip;
using namespace gossip::test;

namespace {

rumor_msg rumor_from(std::string from, uint64_t id, uint32_t hops = 0,
                     std::string origin = "o") {
  return rumor_msg{std::move(from), rumor{std::move(origin), id, "text", hops, {}}};
}

std::set<std::string> as_set(const std::vector<std::string>& xs) {
  return {xs.begin(), xs.end()};
}

} // namespace

// -- probabilistic -------------------------------------------------------------

TEST(Probabilistic, ADuplicateIsNeitherDeliveredNorForwardedAgain) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d", "e", "o"});
  a.add("probabilistic", {{"fanout", "2"}});
  a.receive_typed(rumor_from("b", 7), "b");
  EXPECT_EQ(a.fresh, 1u);
  EXPECT_EQ(a.sent<rumor_msg>().size(), 2u);
  a.receive_typed(rumor_from("c", 7), "c");
  EXPECT_EQ(a.fresh, 1u);
  EXPECT_EQ(a.events_of(event_kind::delivered).size(), 1u);
  EXPECT_EQ(a.sent<rumor_msg>().size(), 2u);
  // Another id of the same origin is another rumor.
  a.receive_typed(rumor_from("c", 8), "c");
  EXPECT_EQ(a.fresh, 2u);
}

TEST(Probabilistic, ForwardsToFanoutPeersNeitherSenderNorOrigin) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d", "e", "f", "o"});
  a.add("probabilistic", {{"fanout", "3"}});
  a.receive_typed(rumor_from("b", 1, 4), "b");
  auto to = a.targets<rumor_msg>();
  ASSERT_EQ(to.size(), 3u);
  EXPECT_EQ(as_set(to).size(), 3u);
  EXPECT_EQ(as_set(to).count("b"), 0u);
  EXPECT_EQ(as_set(to).count("o"), 0u);
  for (auto& m : a.sent<rumor_msg>()) {
    EXPECT_EQ(m.from, "a");
    EXPECT_EQ(m.rumor.hops, 5u);
    EXPECT_EQ(m.rumor.origin, "o");
  }
  auto ev = a.events_of(event_kind::delivered);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].peer, "b");
  EXPECT_EQ(ev[0].version, 1u);
}

TEST(Probabilistic, TheHopCountSaturatesInsteadOfWrapping) {
  fake_node a{"a"};
  a.set_peers({"b", "c"});
  a.add("probabilistic", {{"fanout", "1"}});
  a.receive_typed(rumor_from("b", 1, UINT32_MAX), "b");
  ASSERT_EQ(a.sent<rumor_msg>().size(), 1u);
  EXPECT_EQ(a.sent<rumor_msg>()[0].rumor.hops, UINT32_MAX);
}

TEST(Probabilistic, WithPZeroOnlyTheFirstKHopsForward) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d"});
  a.add("probabilistic", {{"p", "0"}, {"k", "2"}, {"fanout", "1"}});
  a.receive_typed(rumor_from("b", 1, 0), "b");
  a.receive_typed(rumor_from("b", 2, 1), "b");
  EXPECT_EQ(a.sent<rumor_msg>().size(), 2u);
  a.receive_typed(rumor_from("b", 3, 2), "b");
  a.receive_typed(rumor_from("b", 4, 9), "b");
  EXPECT_EQ(a.sent<rumor_msg>().size(), 2u);
  EXPECT_EQ(a.fresh, 4u); // delivered all the same
}

TEST(Probabilistic, BroadcastStartsARumorWithNewIds) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d", "e"});
  a.add("probabilistic", {{"fanout", "3"}});
  auto r1 = a.request(caf::make_message(broadcast_atom::value, std::string{"hello"}));
  auto r2 = a.request(caf::make_message(broadcast_atom::value, std::string{"again"}));
  ASSERT_TRUE(r1 && as<uint64_t>(*r1));
  ASSERT_TRUE(r2 && as<uint64_t>(*r2));
  EXPECT_NE(*as<uint64_t>(*r1), *as<uint64_t>(*r2));
  EXPECT_EQ(a.sent<rumor_msg>().size(), 6u);
  EXPECT_EQ(a.sent<rumor_msg>()[0].rumor.hops, 1u);
  EXPECT_EQ(a.fresh, 0u); // its own rumor did not arrive from outside
  EXPECT_EQ(a.events_of(event_kind::delivered).size(), 2u);
  a.lim.max_value_bytes = 3;
  auto r3 = a.request(caf::make_message(broadcast_atom::value, std::string{"long"}));
  ASSERT_TRUE(r3);
  EXPECT_TRUE(as<caf::error>(*r3));
  EXPECT_EQ(a.sent<rumor_msg>().size(), 6u);
}

TEST(Probabilistic, DeferWaitsForTheNextRound) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d"});
  a.add("probabilistic", {{"defer", "true"}, {"fanout", "2"}});
  a.receive_typed(rumor_from("b", 1), "b");
  EXPECT_EQ(a.fresh, 1u);
  EXPECT_TRUE(a.log.empty());
  EXPECT_EQ(a.pending(), 1u);
  a.tick();
  EXPECT_EQ(a.sent<rumor_msg>().size(), 2u);
  EXPECT_EQ(a.pending(), 0u);
}

TEST(Probabilistic, RepeatSendsAgainForNRounds) {
  fake_node a{"a"};
  a.set_peers({"b", "c", "d", "e"});
  a.add("probabilistic", {{"repeat", "2"}, {"fanout", "1"}});
  a.receive_typed(rumor_from("b", 1), "b");
  EXPECT_EQ(a.sent<rumor_msg>().size(), 1u);
  EXPECT_EQ(a.pending(), 1u);
  a.tick();
  a.tick();
  EXPECT_EQ(a.sent<rumor_msg>().size(), 3u);
  EXPECT_EQ(a.pending(), 0u);
  a.tick();
  EXPECT_EQ(a.sent<rumor_msg>().size(), 3u);
}

TEST(Probabilistic, AnIdIsForgottenAfterRememberRounds) {
  fake_node a{"a"};
  a.add("probabilistic", {{"remember", "1"}});
  a.receive_typed(rumor_from("b", 1), "b");
  a.tick(); // round 1: still remembered
  a.receive_typed(rumor_from("b", 1), "b");
  EXPECT_EQ(a.fresh, 1u);
  a.tick(); // round 2: forgotten
  a.receive_typed(rumor_from("b", 1), "b");
  EXPECT_EQ(a.fresh, 2u);
}

TEST(Probabilistic, ARumorWithIdZeroIsRejected) {
  fake_node a{"a"};
  a.set_peers({"b", "c"});
  a.add("probabilistic");
  a.receive_typed(rumor_from("b", 0), "b");
  EXPECT_EQ(a.rejected, std::vector<std::string>{"rumor with id 0"});
  EXPECT_EQ(a.fresh, 0u);
  EXPECT_TRUE(a.log.empty());
}

TEST(Probabilistic, EveryReachedNodeDeliversAndForwardsOnce) {
  fake_network net;
  std::vector<std::string> names;
  for (int i = 1; i <= 10; ++i)
    names.push_back("n" + std::to_string(i));
  for (auto& n : names)
    net.add(n).add("probabilistic", {{"fanout", "3"}});
  net.connect_all();
  net["n1"].request(caf::make_message(broadcast_atom::value, std::string{"x"}));
  net.settle();
  size_t reached = 0;
  for (auto& n : names) {
    auto& node = net[n];
    auto delivered = node.events_of(event_kind::delivered).size();
    EXPECT_LE(delivered, 1u) << n;
    EXPECT_EQ(node.sent<rumor_msg>().size(), delivered * 3) << n;
    reached += delivered;
  }
  EXPECT_EQ(reached, names.size()); // fanout 3 of 9 peers: no residue here
}

// -- directed ------------------------------------------------------------------

namespace {

// a: no topics, b: news, c: sports, d: news+sports, e: weather. Every node
// knows everyone's topics.
void directed_net(fake_network& net, const params& ps) {
  std::map<std::string, std::string> topics{
      {"a", ""}, {"b", "news"}, {"c", "sports"}, {"d", "news+sports"}, {"e", "weather"}};
  for (auto& [name, t] : topics)
    net.add(name).add("directed", ps);
  net.connect_all();
  for (auto& [name, t] : topics)
    for (auto& [other, ot] : topics)
      if (!ot.empty())
        net[name].set_label(other, "topics", ot);
}

directed_msg about(std::string topic, std::string from, uint64_t id = 1) {
  return directed_msg{std::move(from), rumor{"e", id, "text", 0, std::move(topic)}};
}

} // namespace

TEST(Directed, ANonSubscriberRelaysToSubscribersWithoutDelivering) {
  fake_network net;
  directed_net(net, {{"random", "0"}, {"fanout", "3"}});
  auto& a = net["a"];
  a.receive_typed(about("news", "e"), "e");
  EXPECT_EQ(a.fresh, 0u);
  EXPECT_TRUE(a.events_of(event_kind::delivered).empty());
  EXPECT_EQ(as_set(a.targets<directed_msg>()), (std::set<std::string>{"b", "d"}));
  EXPECT_EQ(a.sent<directed_msg>()[0].rumor.hops, 1u);
}

TEST(Directed, TheHopCountSaturatesInsteadOfWrapping) {
  fake_node a{"a"};
  a.set_peers({"b", "c"});
  a.add("directed", {{"fanout", "1"}});
  auto m = about("news", "e");
  m.rumor.hops = UINT32_MAX;
  a.receive_typed(m, "e");
  ASSERT_EQ(a.sent<directed_msg>().size(), 1u);
  EXPECT_EQ(a.sent<directed_msg>()[0].rumor.hops, UINT32_MAX);
}

TEST(Directed, SubscribersGetItDeliveredOthersNever) {
  fake_network net;
  directed_net(net, {{"random", "0"}, {"fanout", "3"}});
  auto r = net["e"].request(caf::make_message(broadcast_atom::value, std::string{"news"},
                                              std::string{"hello"}));
  ASSERT_TRUE(r && as<uint64_t>(*r));
  net.settle();
  EXPECT_EQ(net["b"].fresh, 1u);
  EXPECT_EQ(net["d"].fresh, 1u);
  auto ev = net["b"].events_of(event_kind::delivered);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].topic, "news");
  EXPECT_EQ(ev[0].value, "hello");
  for (auto n : {"a", "c", "e"})
    EXPECT_EQ(net[n].fresh, 0u) << n;
  EXPECT_EQ(net["c"].received, 0u); // with random 0 nothing strays to c
  // The origin is a non-subscriber: it does not deliver its own rumor.
  EXPECT_TRUE(net["e"].events_of(event_kind::delivered).empty());
}

TEST(Directed, ADuplicateIsIgnored) {
  fake_network net;
  directed_net(net, {{"random", "0"}});
  auto& b = net["b"];
  b.receive_typed(about("news", "a"), "a");
  auto sends = b.log.size();
  b.receive_typed(about("news", "d"), "d");
  EXPECT_EQ(b.fresh, 1u);
  EXPECT_EQ(b.log.size(), sends);
}

TEST(Directed, WithoutSubscribersAnyPeerRelays) {
  fake_network net;
  directed_net(net, {{"random", "0"}, {"fanout", "2"}});
  auto& a = net["a"];
  a.receive_typed(about("music", "e"), "e");
  auto to = a.targets<directed_msg>();
  EXPECT_FALSE(to.empty());
  EXPECT_EQ(as_set(to).size(), to.size());
  EXPECT_EQ(as_set(to).count("e"), 0u);
}

TEST(Directed, TopicListsSplitOnCommaAndPlus) {
  EXPECT_TRUE(subscribed("news+sports", "sports"));
  EXPECT_TRUE(subscribed("news,sports", "news"));
  EXPECT_FALSE(subscribed("newsy", "news"));
  EXPECT_FALSE(subscribed("news", "new"));
  EXPECT_FALSE(subscribed("", "news"));
}

// rumor.hpp: an empty topic means "for everyone", subscribers of any topic
// included (directed.cpp's receive()).
TEST(Directed, ATopicLessRumorIsForEveryone) {
  fake_network net;
  directed_net(net, {{"random", "0"}, {"fanout", "4"}});
  net["a"].request(
      caf::make_message(broadcast_atom::value, std::string{}, std::string{"to all"}));
  net.settle();
  for (auto n : {"b", "c", "d", "e"})
    EXPECT_EQ(net[n].fresh, 1u) << n;
}
