// Every protocol variant's invariant, under the deterministic scheduler.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <cmath>

#include "gossip/atoms.hpp"
#include "gossip/counters.hpp"
#include "gossip/local_cluster.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/rumor.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

cluster_options det(size_t n, const std::string& protocol, uint64_t seed,
                    params ps = {}) {
  cluster_options o;
  o.nodes = n;
  o.protocol = protocol;
  o.seed = seed;
  o.protocol_params = std::move(ps);
  o.deterministic = true;
  return o;
}

uint64_t total(local_cluster& c, uint64_t counters::*field) {
  uint64_t n = 0;
  for (size_t i = 0; i < c.size(); ++i)
    n += c.peek(i).stats->*field;
  return n;
}

uint64_t messages_sent(local_cluster& c) {
  uint64_t n = 0;
  for (size_t i = 0; i < c.size(); ++i)
    n += c.peek(i).stats->total.sent_msgs;
  return n;
}

// Fraction of nodes that never got anything new (the origin counts as informed).
double residue(local_cluster& c, size_t origin) {
  size_t missed = 0;
  for (size_t i = 0; i < c.size(); ++i)
    missed += i != origin && c.peek(i).stats->fresh == 0 ? 1 : 0;
  return static_cast<double>(missed) / static_cast<double>(c.size());
}

// Runs rounds until a round sends no update-carrying message.
size_t run_until_quiet(local_cluster& c, size_t max_rounds) {
  auto last = total(c, &counters::update_msgs);
  for (size_t r = 1; r <= max_rounds; ++r) {
    c.run_round();
    auto now = total(c, &counters::update_msgs);
    if (now == last)
      return r;
    last = now;
  }
  return max_rounds + 1;
}

} // namespace

TEST(Pull, BringsAllStoresTogether) {
  local_cluster c{det(100, "pull", 1)};
  for (size_t i = 0; i < 100; i += 10)
    c.put(i, "k" + std::to_string(i), "v");
  EXPECT_LE(c.rounds_until_converged(100), 100u);
  EXPECT_EQ(c.snapshot(42).size(), 10u);
}

TEST(AntiEntropy, MakesAllStoresIdenticalWithinTheByteBudget) {
  // 20 writers x 10 keys of 100-byte values: ~30 KB of state; a budget of
  // 1000 bytes forces many small exchanges.
  local_cluster c{det(40, "anti-entropy", 2, {{"budget", "1000"}})};
  for (size_t w = 0; w < 20; ++w)
    for (int k = 0; k < 10; ++k)
      c.put(w, "w" + std::to_string(w) + "k" + std::to_string(k), std::string(100, 'x'));
  ASSERT_LE(c.rounds_until_converged(400), 400u);
  EXPECT_EQ(c.snapshot(39).size(), 200u);
  // No message carried more than the budget of deltas: a delta message is at
  // most budget + its fixed part (names, lengths), far below 2 x budget.
  for (size_t i = 0; i < c.size(); ++i) {
    auto& by_type = c.peek(i).stats->by_type;
    for (auto name : {"gossip::ae_ack", "gossip::ae_ack2"}) {
      auto t = by_type.find(name);
      if (t != by_type.end() && t->second.sent_msgs > 0) {
        EXPECT_LE(t->second.sent_bytes / t->second.sent_msgs, 1000u + 200u) << name;
      }
    }
  }
}

TEST(AntiEntropy, DeletedKeyStaysDeletedAfterGarbageCollection) {
  local_cluster c{det(30, "anti-entropy", 3, {{"gc", "10"}})};
  c.put(4, "doomed", "v");
  c.put(5, "kept", "v");
  ASSERT_LE(c.rounds_until_converged(60), 60u);
  ASSERT_TRUE(c.erase(9, "doomed"));
  ASSERT_LE(c.rounds_until_converged(60), 60u);
  for (int r = 0; r < 30; ++r)
    c.run_round();
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c.peek(i).data->find("doomed"), nullptr)
        << "tombstone not collected at " << i;
    EXPECT_NE(c.peek(i).data->get("kept"), nullptr);
  }
  for (int r = 0; r < 30; ++r)
    c.run_round();
  for (size_t i = 0; i < c.size(); ++i)
    EXPECT_EQ(c.peek(i).data->get("doomed"), nullptr) << "resurrected at " << i;
}

TEST(RumorMongering, QuiescesByItself) {
  local_cluster c{det(200, "rumor", 4, {{"counter", "2"}})};
  c.put(0, "news", "v");
  ASSERT_LE(run_until_quiet(c, 200), 200u);
  auto sent = messages_sent(c);
  for (int r = 0; r < 20; ++r)
    c.run_round();
  EXPECT_EQ(messages_sent(c), sent) << "no message at all once the epidemic is over";
  EXPECT_LT(residue(c, 0), 0.05);
}

TEST(RumorMongering, CounterOneLeavesMoreResidueThanCounterFour) {
  double k1 = 0, k4 = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    for (auto [k, sum] : {std::pair{"1", &k1}, std::pair{"4", &k4}}) {
      local_cluster c{det(500, "rumor", seed, {{"counter", k}})};
      c.put(0, "news", "v");
      run_until_quiet(c, 300);
      *sum += residue(c, 0);
    }
  }
  // Demers et al.: push, feedback, counter 1 leaves about 18%; counter 4 about 0.02%.
  EXPECT_GT(k1, k4);
  EXPECT_GT(k1 / 5, 0.08);
  EXPECT_LT(k4 / 5, 0.01);
}

TEST(RumorMongering, ConnectionLimitTurnsPushesAwayAndLowersTheResidue) {
  // Demers et al.: with a connection limit of 1 fewer pushes collide on one
  // node, so fewer senders lose interest early.
  double free = 0, limited = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    for (auto [limit, sum] : {std::pair{"0", &free}, std::pair{"1", &limited}}) {
      local_cluster c{
          det(500, "rumor", seed, {{"counter", "1"}, {"connection-limit", limit}})};
      c.put(0, "news", "v");
      run_until_quiet(c, 300);
      *sum += residue(c, 0);
    }
  }
  EXPECT_LT(limited, free);
}

TEST(RumorMongering, AntiEntropyMopsUpTheResidue) {
  local_cluster c{det(300, "rumor,anti-entropy", 6, {{"counter", "1"}})};
  c.put(0, "news", "v");
  EXPECT_LE(c.rounds_until_converged(100), 100u);
}

TEST(Probabilistic, WithPOneReachesEveryone) {
  local_cluster c{det(200, "probabilistic", 7, {{"p", "1"}, {"fanout", "10"}})};
  caf::anon_send(c.node(0), broadcast_atom::value, std::string{"hi"});
  c.settle();
  run_until_quiet(c, 50);
  EXPECT_EQ(residue(c, 0), 0.0);
}

TEST(Probabilistic, SmallPLeavesNodesOut) {
  local_cluster c{det(200, "probabilistic", 7, {{"p", "0.2"}, {"fanout", "2"}})};
  caf::anon_send(c.node(0), broadcast_atom::value, std::string{"hi"});
  c.settle();
  run_until_quiet(c, 50);
  EXPECT_GT(residue(c, 0), 0.5) << "p * fanout < 1: the epidemic dies out early";
}

TEST(Directed, ReachesEverySubscriberAndFewOthers) {
  auto o = det(300, "directed", 8, {{"fanout", "3"}, {"random", "0.1"}});
  auto subscriber = [](size_t i) { return i % 10 == 0; }; // 30 of 300
  o.labels_of = [&](size_t i) {
    std::map<std::string, std::string> ls;
    if (subscriber(i))
      ls["topics"] = "news,sports";
    return ls;
  };
  local_cluster c{o};
  caf::anon_send(c.node(0), broadcast_atom::value, std::string{"news"},
                 std::string{"hi"});
  c.settle();
  size_t non_subs_reached = 0;
  for (size_t i = 1; i < c.size(); ++i) {
    auto st = c.peek(i).stats;
    if (subscriber(i))
      EXPECT_EQ(st->fresh, 1u) << "subscriber " << i << " did not get it";
    else
      non_subs_reached += st->total.recv_msgs > 0 ? 1 : 0;
  }
  EXPECT_LT(non_subs_reached, 270u / 5) << "at most a fifth of the non-subscribers";
}

TEST(PushSum, ConservesMassExactlyAndConverges) {
  auto o = det(100, "push-sum", 9);
  double truth = 0;
  o.labels_of = [&](size_t i) {
    double v = std::sin(static_cast<double>(i)) * 50 + 17.25;
    return std::map<std::string, std::string>{{"value", std::to_string(v)}};
  };
  for (size_t i = 0; i < 100; ++i)
    truth += std::stod(std::to_string(std::sin(static_cast<double>(i)) * 50 + 17.25));
  truth /= 100;
  local_cluster c{o};
  auto mass_total = [&] {
    mass s = 0, w = 0;
    for (size_t i = 0; i < c.size(); ++i)
      for (auto& p : *c.peek(i).protocols)
        if (auto st = push_sum_state_of(*p)) {
          s += st->s;
          w += st->w;
        }
    return std::make_pair(s, w);
  };
  c.run_round();
  auto initial = mass_total();
  EXPECT_EQ(initial.second, to_mass(1.0) * 100);
  for (int r = 0; r < 150; ++r) {
    c.run_round();
    ASSERT_TRUE(mass_total() == initial) << "mass changed in round " << r;
  }
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& p : *c.peek(i).protocols)
      if (auto st = push_sum_state_of(*p)) {
        EXPECT_NEAR(st->estimate(), truth, 1e-9) << "node " << i;
      }
}

TEST(PushSum, SumAndCount) {
  for (auto [what, expected] : {std::pair{"count", 64.0}, std::pair{"sum", 64.0 * 2.5}}) {
    auto o = det(64, "push-sum", 10, {{"aggregate", what}});
    o.labels_of = [](size_t) {
      return std::map<std::string, std::string>{{"value", "2.5"}};
    };
    local_cluster c{o};
    for (int r = 0; r < 200; ++r)
      c.run_round();
    for (auto& p : *c.peek(17).protocols)
      if (auto st = push_sum_state_of(*p)) {
        EXPECT_NEAR(st->estimate(), expected, 1e-9 * expected) << what;
      }
  }
}

TEST(PushSum, NonFiniteValuesAreRejectedWithoutHarm) {
  local_cluster c{det(10, "push-sum", 11)};
  caf::scoped_actor self{c.system()};
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    auto h = self->request(c.node(3), 1s, push_sum_atom::value, bad);
    c.settle();
    bool rejected = false;
    h.receive([] {}, [&](caf::error&) { rejected = true; });
    EXPECT_TRUE(rejected) << bad;
  }
  // A share with a negative weight is rejected, too.
  caf::anon_send(c.node(3), push_sum_share{"4", 0, 5, ~uint64_t{0}, 0});
  c.settle();
  EXPECT_EQ(c.peek(3).stats->by_type.at("gossip::push_sum_share").rejected, 1u);
  for (int r = 0; r < 100; ++r)
    c.run_round();
  for (auto& p : *c.peek(3).protocols)
    if (auto st = push_sum_state_of(*p)) {
      EXPECT_TRUE(std::isfinite(st->estimate()));
      EXPECT_NEAR(st->estimate(), 0.0, 1e-9) << "all values are 0";
    }
}

TEST(Faults, LossDelayAndCrash) {
  auto o = det(20, "push", 12);
  o.node.faults.loss = 1.0;
  {
    local_cluster c{o};
    c.put(0, "k", "v");
    for (int r = 0; r < 10; ++r)
      c.run_round();
    EXPECT_EQ(residue(c, 0), 19.0 / 20.0) << "every message lost";
    EXPECT_GT(c.peek(0).stats->lost, 0u);
  }
  o.node.faults.loss = 0;
  o.node.faults.delay_rounds = 3;
  o.node.sampler = "ring";
  {
    local_cluster c{o};
    c.put(0, "k", "v");
    for (int r = 0; r < 3; ++r)
      c.run_round();
    EXPECT_EQ(c.peek(1).stats->fresh, 0u) << "still in flight";
    c.run_round();
    EXPECT_EQ(c.peek(1).stats->fresh, 1u) << "arrives 3 rounds late";
  }
  o.node.faults.delay_rounds = 0;
  o.node.faults.crash_round = 2;
  {
    local_cluster c{o};
    c.put(0, "k", "v");
    for (int r = 0; r < 10; ++r)
      c.run_round();
    EXPECT_EQ(c.peek(1).stats->fresh, 1u) << "round 1 went out before the crash";
    EXPECT_EQ(c.peek(2).stats->fresh, 0u) << "1 crashed before forwarding";
  }
}

// (faults_atom, loss, delay): accepted only where allowed, checked, and in
// force from the next message on.
TEST(Faults, ChangedWhileRunningOnlyWhereAllowed) {
  auto o = det(20, "push", 13);
  auto set = [](local_cluster& c, caf::scoped_actor& self, double loss, uint64_t delay) {
    auto h = self->request(c.node(0), 1s, faults_atom::value, loss, delay);
    c.settle();
    bool ok = false;
    h.receive([&](bool) { ok = true; }, [](caf::error&) {});
    return ok;
  };
  {
    local_cluster c{o};
    caf::scoped_actor self{c.system()};
    EXPECT_FALSE(set(c, self, 1.0, 0)) << "fault control is off by default";
    c.put(0, "k", "v");
    c.run_round();
    EXPECT_EQ(c.peek(0).stats->lost, 0u);
  }
  o.node.faults.controllable = true;
  local_cluster c{o};
  caf::scoped_actor self{c.system()};
  EXPECT_FALSE(set(c, self, std::nan(""), 0));
  EXPECT_FALSE(set(c, self, 1.5, 0));
  EXPECT_FALSE(set(c, self, 0, 101)) << "delays are bounded";
  ASSERT_TRUE(set(c, self, 1.0, 0));
  c.put(0, "k", "v");
  for (int r = 0; r < 5; ++r)
    c.run_round();
  EXPECT_GT(c.peek(0).stats->lost, 0u);
  EXPECT_EQ(residue(c, 0), 19.0 / 20.0) << "every message lost";
  ASSERT_TRUE(set(c, self, 0, 0));
  for (int r = 0; r < 30; ++r)
    c.run_round();
  EXPECT_EQ(residue(c, 0), 0.0) << "spreads once the loss ends";
}
