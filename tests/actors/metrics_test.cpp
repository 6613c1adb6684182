// What /metrics reads from a node (gossip/metrics.hpp): the propagation
// delay histogram, and the gauges a node answers with, under the
// deterministic scheduler.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <limits>

#include "gossip/atoms.hpp"
#include "gossip/local_cluster.hpp"
#include "gossip/metrics.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

node_gauges gauges_of(local_cluster& cluster, size_t i) {
  caf::scoped_actor self{cluster.system()};
  auto h = self->request(cluster.node(i), 10s, in_process, metrics_atom::value);
  cluster.settle();
  node_gauges result;
  h.receive([&](const node_gauges& g) { result = g; },
            [&](const caf::error& e) { ADD_FAILURE() << cluster.system().render(e); });
  return result;
}

} // namespace

TEST(DelayHistogram, PutsEachDelayInTheFirstBucketThatHoldsIt) {
  delay_histogram h;
  int64_t t = 1'700'000'000'000; // ms since the epoch
  h.observe(t, t);               // 0 ms: the first bucket (le 1 ms)
  h.observe(t, t + 1);           // 1 ms: still the first (le is inclusive)
  h.observe(t, t + 3);           // le 5 ms
  h.observe(t, t + 60'000);      // le 60 s, the last finite one
  h.observe(t, t + 61'000);      // +Inf
  EXPECT_EQ(h.counts[0], 2u);
  EXPECT_EQ(h.counts[2], 1u);
  EXPECT_EQ(h.counts[h.bounds_ms.size() - 1], 1u);
  EXPECT_EQ(h.counts[h.bounds_ms.size()], 1u);
  EXPECT_EQ(h.count, 5u);
  EXPECT_EQ(h.sum_ms, 0 + 1 + 3 + 60'000 + 61'000);
  EXPECT_EQ(h.skipped, 0u);
}

TEST(DelayHistogram, CountsButDoesNotObserveImplausibleOriginTimes) {
  delay_histogram h;
  int64_t t = 1'700'000'000'000;
  h.observe(0, t);             // unknown (a restored entry)
  h.observe(t + 5, t);         // in the future: clocks apart
  h.observe(t - 3'600'001, t); // over an hour ago
  h.observe(INT64_MAX, t);     // made up by a peer
  h.observe(std::numeric_limits<int64_t>::min(), t);
  EXPECT_EQ(h.skipped, 5u);
  EXPECT_EQ(h.count, 0u);
  EXPECT_EQ(h.sum_ms, 0);
}

TEST(NodeGauges, AWriteIsTimedWhereItArrivesNotWhereItWasMade) {
  cluster_options opts;
  opts.nodes = 2;
  opts.protocol = "push";
  opts.node.sampler = "ring";
  opts.deterministic = true;
  local_cluster cluster{opts};
  cluster.settle();
  cluster.put(0, "key", "value");
  cluster.run_round(); // 0 pushes to 1
  auto writer = gauges_of(cluster, 0);
  auto reader = gauges_of(cluster, 1);
  EXPECT_EQ(writer.delay.count, 0u);
  EXPECT_EQ(reader.delay.count, 1u);
  EXPECT_EQ(reader.delay.skipped, 0u);
  EXPECT_EQ(reader.keys, 1u);
  EXPECT_EQ(reader.tombstones, 0u);
  EXPECT_EQ(reader.bytes, 3u + 5u); // key and value
  EXPECT_EQ(reader.pending.count("push"), 1u);
  cluster.erase(0, "key");
  cluster.run_round();
  reader = gauges_of(cluster, 1);
  EXPECT_EQ(reader.keys, 0u);
  EXPECT_EQ(reader.tombstones, 1u);
  EXPECT_EQ(reader.delay.count, 2u); // the tombstone is a write too
}
