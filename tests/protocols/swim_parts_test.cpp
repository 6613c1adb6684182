// SWIM's parts on their own: Lifeguard's suspicion timeout and local health,
// the prober's round-robin order, acks and relays, and the order in which
// queued updates go out, the member table's counts.
#include <gtest/gtest.h>

#include <set>

#include "gossip/awareness.hpp"
#include "gossip/membership.hpp"
#include "gossip/probe.hpp"
#include "gossip/suspicion.hpp"

using namespace gossip;

TEST(SuspicionTimeout, SmallClustersGetTheMinimum) {
  suspicion_config cfg; // mult 4, max 6x, k 3
  for (size_t c = 0; c < 5; ++c) {
    EXPECT_EQ(suspicion_timeout(cfg, 1, c), 4u);
    EXPECT_EQ(suspicion_timeout(cfg, 3, c), 4u);
    EXPECT_EQ(suspicion_timeout(cfg, 4, c), 4u); // n - 2 < k
  }
}

TEST(SuspicionTimeout, ShrinksLogarithmicallyWithConfirmations) {
  suspicion_config cfg;
  // n = 100: min = 4 * log10(100) = 8, max = 48.
  EXPECT_EQ(suspicion_timeout(cfg, 100, 0), 48u);
  EXPECT_EQ(suspicion_timeout(cfg, 100, 1), 28u); // 48 - 40 * log 2 / log 4
  EXPECT_EQ(suspicion_timeout(cfg, 100, 3), 8u);
  EXPECT_EQ(suspicion_timeout(cfg, 100, 30), 8u);
  // n = 5: log10 5 < 1, so min = 4, max = 24.
  EXPECT_EQ(suspicion_timeout(cfg, 5, 0), 24u);
  EXPECT_EQ(suspicion_timeout(cfg, 5, 1), 14u);
  EXPECT_EQ(suspicion_timeout(cfg, 5, 3), 4u);
  EXPECT_EQ(suspicion_timeout(cfg, 1000, 0), 72u);
  uint64_t last = ~uint64_t{0};
  for (size_t c = 0; c < 6; ++c) {
    auto t = suspicion_timeout(cfg, 100, c);
    EXPECT_LE(t, last);
    last = t;
  }
}

TEST(SuspicionTimeout, FollowsTheConfig) {
  suspicion_config cfg{2, 3, 0}; // k 0: never waits for confirmations
  EXPECT_EQ(suspicion_timeout(cfg, 100, 0), 4u);
  cfg.k = 1;
  EXPECT_EQ(suspicion_timeout(cfg, 100, 0), 12u);
  EXPECT_EQ(suspicion_timeout(cfg, 100, 1), 4u);
  cfg.mult = 2.5; // rounded up
  EXPECT_EQ(suspicion_timeout(cfg, 10, 1), 3u);
}

TEST(Suspicion, IndependentConfirmationsShortenIt) {
  suspicion_config cfg;
  suspicion s{1, 10, "a"};
  EXPECT_FALSE(s.expired(57, cfg, 100));
  EXPECT_TRUE(s.expired(58, cfg, 100));
  EXPECT_FALSE(s.confirm(1, "a")); // the first reporter again
  EXPECT_FALSE(s.confirm(2, "b")); // another incarnation
  EXPECT_TRUE(s.confirm(1, "b"));
  EXPECT_FALSE(s.confirm(1, "b"));
  EXPECT_FALSE(s.expired(37, cfg, 100));
  EXPECT_TRUE(s.expired(38, cfg, 100));
  EXPECT_FALSE(s.has_verdict());
  s.take_verdict();
  EXPECT_TRUE(s.has_verdict());
  EXPECT_FALSE(s.expired(17, cfg, 100));
  EXPECT_TRUE(s.expired(18, cfg, 100));
}

TEST(LocalHealth, ClampsBetweenZeroAndMax) {
  local_health h;
  EXPECT_EQ(h.score(), 0);
  EXPECT_EQ(h.multiplier(), 1u);
  h.reward();
  EXPECT_EQ(h.score(), 0);
  for (int i = 0; i < 20; ++i)
    h.penalize();
  EXPECT_EQ(h.score(), local_health::max_score);
  EXPECT_EQ(h.multiplier(), 1u + local_health::max_score);
  h.reward();
  EXPECT_EQ(h.score(), local_health::max_score - 1);
  for (int i = 0; i < 20; ++i)
    h.reward();
  EXPECT_EQ(h.score(), 0);
}

namespace {

const std::vector<std::string> abcd{"a", "b", "c", "d"};

} // namespace

TEST(Prober, VisitsEveryLiveMemberOncePerPass) {
  prober p;
  rng_type rng{7};
  auto all = [](const std::string&) { return true; };
  auto members = [] { return abcd; };
  std::vector<std::string> first, second;
  for (int i = 0; i < 4; ++i)
    first.push_back(p.next_target(all, members, rng));
  for (int i = 0; i < 4; ++i)
    second.push_back(p.next_target(all, members, rng));
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), 4u);
  EXPECT_EQ(std::set<std::string>(second.begin(), second.end()).size(), 4u);
}

TEST(Prober, SkipsMembersThatAreNoLongerLive) {
  prober p;
  rng_type rng{7};
  std::set<std::string> gone{"b"};
  auto live = [&](const std::string& n) { return gone.count(n) == 0; };
  auto members = [] { return abcd; };
  for (int i = 0; i < 9; ++i)
    EXPECT_NE(p.next_target(live, members, rng), "b");
  gone = {"a", "b", "c", "d"};
  EXPECT_EQ(p.next_target(live, members, rng), "");
  EXPECT_EQ(p.next_target(
                live, [] { return std::vector<std::string>{}; }, rng),
            "");
}

TEST(Prober, OnlyTheMatchingAckEndsTheProbe) {
  prober p;
  auto seq = p.next_seq();
  p.start(probe{"b", 1, seq, 5, false});
  EXPECT_FALSE(p.acked(seq + 1, "b"));
  EXPECT_FALSE(p.acked(seq, "c"));
  ASSERT_TRUE(p.current());
  EXPECT_TRUE(p.acked(seq, "b"));
  EXPECT_FALSE(p.current());
  EXPECT_FALSE(p.acked(seq, "b"));
}

TEST(Prober, RelaysAreTakenOnceAndExpire) {
  prober p;
  auto s1 = p.add_relay(relay{"a", 11, "c", 5});
  auto s2 = p.add_relay(relay{"b", 12, "c", 9});
  EXPECT_NE(s1, s2);
  EXPECT_NE(p.next_seq(), s2); // one sequence for pings and relays
  auto r = p.take_relay(s1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->origin, "a");
  EXPECT_EQ(r->origin_seq, 11u);
  EXPECT_FALSE(p.take_relay(s1));
  p.expire_relays(9);
  EXPECT_FALSE(p.take_relay(s2));
}

namespace {

std::vector<std::string> names_of(const std::vector<member_update>& us) {
  std::vector<std::string> result;
  for (auto& u : us)
    result.push_back(u.name);
  return result;
}

member_update named(std::string name) {
  return member_update{std::move(name), 1, 0, {}, {}, {}};
}

} // namespace

TEST(BroadcastQueue, UrgentFirstThenFewestSendsThenNewest) {
  broadcast_queue q;
  for (auto name : {"m1", "m2", "m3"})
    q.push(named(name));
  EXPECT_EQ(names_of(q.take(2, 5)), (std::vector<std::string>{"m3", "m2"}));
  q.push(named("self"), true);
  q.push(named("m4"));
  EXPECT_EQ(names_of(q.take(3, 5)), (std::vector<std::string>{"self", "m4", "m1"}));
  // Sent once, the urgent one still goes first, until its sends are used up.
  EXPECT_EQ(names_of(q.take(2, 3)), (std::vector<std::string>{"self", "m4"}));
  EXPECT_EQ(names_of(q.take(1, 3)), (std::vector<std::string>{"self"}));
  EXPECT_EQ(names_of(q.take(1, 3)), (std::vector<std::string>{"m3"}));
}

TEST(BroadcastQueue, AFloodDoesNotHoldBackAnUpdateAfterIt) {
  broadcast_queue q;
  for (int i = 0; i < 10000; ++i)
    q.push(named("made-up-" + std::to_string(i)));
  q.push(named("refutation"), true);
  for (int i = 0; i < 100; ++i)
    q.push(named("more-" + std::to_string(i)));
  EXPECT_EQ(q.take(1, 5)[0].name, "refutation");
  // A newer update about a queued member replaces it, as a new arrival.
  q.push(named("made-up-0"));
  EXPECT_EQ(names_of(q.take(2, 5)),
            (std::vector<std::string>{"refutation", "made-up-0"}));
  EXPECT_EQ(q.size(), 10101u);
}

// The counts stand in for names(...).size() on every message (the cluster's
// size): they must follow every change apply() makes, and only those.
TEST(MemberTable, CountsEachStatusAndVersionsEveryChange) {
  member_table table;
  bool known = false;
  member_status before = member_status::alive;
  auto update = [](std::string name, uint64_t inc, member_status s,
                   std::string addr = {}) {
    return member_update{std::move(name), inc, static_cast<uint8_t>(s),
                         std::move(addr), {},  "x"};
  };
  auto agrees = [&] {
    for (auto s : {member_status::alive, member_status::suspect, member_status::dead,
                   member_status::left})
      if (table.count(s) != table.names({s}).size())
        return false;
    return true;
  };
  EXPECT_TRUE(table.apply(update("a", 1, member_status::alive), known, before));
  EXPECT_TRUE(table.apply(update("b", 1, member_status::alive), known, before));
  EXPECT_EQ(table.count(member_status::alive), 2u);
  auto v = table.version();
  EXPECT_TRUE(table.apply(update("a", 1, member_status::suspect), known, before));
  EXPECT_TRUE(table.apply(update("b", 2, member_status::dead), known, before));
  EXPECT_EQ(table.count(member_status::alive), 0u);
  EXPECT_EQ(table.count(member_status::suspect), 1u);
  EXPECT_EQ(table.count(member_status::dead), 1u);
  EXPECT_EQ(table.version(), v + 2);
  EXPECT_TRUE(agrees());
  v = table.version();
  EXPECT_FALSE(table.apply(update("b", 1, member_status::alive), known, before)); // stale
  EXPECT_FALSE(
      table.apply(update("a", 1, member_status::alive), known, before)); // weaker
  EXPECT_EQ(table.version(), v);
  EXPECT_TRUE(table.apply(update("c", 1, member_status::alive), known, before));
  EXPECT_TRUE(table.apply(update("c", 1, member_status::alive, "10.0.0.3:1"), known,
                          before)); // the address it lacked
  EXPECT_EQ(table.version(), v + 2);
  EXPECT_EQ(table.count(member_status::alive), 1u);
  EXPECT_TRUE(table.apply(update("d", 1, member_status::suspect), known, before));
  v = table.version();
  // A suspect's address filled in: no news to pass on, but the table changed.
  EXPECT_FALSE(
      table.apply(update("d", 1, member_status::suspect, "10.0.0.4:1"), known, before));
  EXPECT_EQ(table.version(), v + 1);
  ASSERT_NE(table.find("d"), nullptr);
  EXPECT_EQ(table.find("d")->address, "10.0.0.4:1");
  EXPECT_TRUE(
      table.apply(update("a", 3, member_status::alive), known, before)); // refuted
  EXPECT_EQ(table.count(member_status::alive), 2u);
  EXPECT_EQ(table.count(member_status::suspect), 1u);
  EXPECT_TRUE(agrees());
}
