// Whole clusters under CAF's deterministic scheduler: exact rounds, same seed,
// same run.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>

#include "gossip/local_cluster.hpp"

using namespace gossip;

namespace {

cluster_options deterministic(size_t n, const std::string& protocol, uint64_t seed) {
  cluster_options opts;
  opts.nodes = n;
  opts.protocol = protocol;
  opts.seed = seed;
  opts.deterministic = true;
  return opts;
}

// Every node writes its own key, then rounds run until all stores are equal.
size_t rounds_for_all_keys(const std::string& protocol, uint64_t seed, size_t n = 100) {
  local_cluster cluster{deterministic(n, protocol, seed)};
  for (size_t i = 0; i < n; ++i)
    cluster.put(i, "key-" + std::to_string(i), "value-" + std::to_string(i));
  auto rounds = cluster.rounds_until_converged(200);
  EXPECT_LE(rounds, 200u) << protocol << " did not converge, seed " << seed;
  EXPECT_EQ(cluster.snapshot(n - 1).size(), n);
  return rounds;
}

} // namespace

TEST(Cluster, PushBringsHundredNodesToIdenticalStores) {
  rounds_for_all_keys("push", 1);
}

TEST(Cluster, PushPullBringsHundredNodesToIdenticalStores) {
  rounds_for_all_keys("push-pull", 1);
}

TEST(Cluster, PushPullNeedsFewerRoundsThanPushOnTheSameSeeds) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    auto push = rounds_for_all_keys("push", seed);
    auto push_pull = rounds_for_all_keys("push-pull", seed);
    EXPECT_LT(push_pull, push) << "seed " << seed;
  }
}

TEST(Cluster, RingConvergesInNMinusOneRounds) {
  for (size_t n : {2u, 5u, 8u}) {
    auto opts = deterministic(n, "push", 1);
    opts.node.sampler = "ring";
    local_cluster cluster{opts};
    cluster.put(0, "state", "New State");
    EXPECT_EQ(cluster.rounds_until_converged(3 * n), n - 1) << "n=" << n;
  }
}

TEST(Cluster, NewestWriteWinsEverywhere) {
  local_cluster cluster{deterministic(10, "push-pull", 3)};
  cluster.put(2, "k", "first");
  cluster.run_round();
  cluster.put(7, "k", "second");
  ASSERT_LE(cluster.rounds_until_converged(50), 50u);
  for (size_t i = 0; i < cluster.size(); ++i) {
    auto snap = cluster.snapshot(i);
    ASSERT_EQ(snap.size(), 1u);
    EXPECT_EQ(snap[0].e.value, "second") << "node " << i;
  }
}

TEST(Cluster, DeletesSpreadAsTombstones) {
  local_cluster cluster{deterministic(10, "push", 4)};
  cluster.put(1, "k", "v");
  ASSERT_LE(cluster.rounds_until_converged(50), 50u);
  EXPECT_TRUE(cluster.erase(5, "k"));
  ASSERT_LE(cluster.rounds_until_converged(50), 50u);
  for (size_t i = 0; i < cluster.size(); ++i) {
    auto snap = cluster.snapshot(i);
    ASSERT_EQ(snap.size(), 1u);
    EXPECT_TRUE(snap[0].e.tombstone) << "node " << i;
  }
}

TEST(Cluster, SameSeedSameRun) {
  auto run = [](uint64_t seed) {
    local_cluster cluster{deterministic(30, "push", seed)};
    cluster.put(0, "k", "v");
    auto rounds = cluster.rounds_until_converged(100);
    std::vector<uint64_t> sent;
    for (size_t i = 0; i < cluster.size(); ++i)
      sent.push_back(cluster.stats(i).total.sent_msgs);
    return std::make_pair(rounds, sent);
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11).second, run(12).second);
}

TEST(Cluster, CountsMessagesAndBytesPerType) {
  local_cluster cluster{deterministic(4, "push-pull", 1)};
  cluster.put(0, "k", "v");
  cluster.run_round();
  uint64_t sent = 0, received = 0, sent_bytes = 0, received_bytes = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    auto c = cluster.stats(i);
    EXPECT_EQ(c.rounds, 1u);
    auto& req = c.by_type["gossip::push_pull_request"];
    auto& resp = c.by_type["gossip::push_pull_response"];
    EXPECT_EQ(req.sent_msgs, 1u) << "fanout 1: one request per node and round";
    sent += req.sent_msgs + resp.sent_msgs;
    received += req.recv_msgs + resp.recv_msgs;
    sent_bytes += c.total.sent_bytes;
    received_bytes += c.total.recv_bytes;
  }
  EXPECT_EQ(sent, 8u) << "4 requests and 4 responses";
  EXPECT_EQ(received, sent);
  EXPECT_GT(sent_bytes, 0u);
  EXPECT_EQ(received_bytes, sent_bytes);
}

TEST(Cluster, RejectsBadOptions) {
  auto opts = deterministic(0, "push", 1);
  EXPECT_THROW(local_cluster{opts}, std::invalid_argument);
  opts = deterministic(3, "no-such-protocol", 1);
  EXPECT_THROW(local_cluster{opts}, std::invalid_argument);
  opts = deterministic(3, "push", 1);
  opts.node.sampler = "nope";
  EXPECT_THROW(local_cluster{opts}, std::invalid_argument);
  opts = deterministic(3, "push", 1);
  opts.protocol_params.set("fanout", "zero");
  EXPECT_THROW(local_cluster{opts}, std::invalid_argument);
}
