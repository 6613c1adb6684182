// gossip-sim's own runtime (world.hpp) against the reference it replaces:
// the node actors under CAF's deterministic scheduler. For the same seed
// every figure of a run must be the same, for every kind of run gossip-sim
// makes (each protocol, both kinds of rounds, faults, crashes, samplers,
// overlays and the broadcast experiment).
#include <gtest/gtest.h>

#include <caf/message.hpp>

#include "gossip/counters.hpp"
#include "gossip/rumor.hpp"
#include "sim.hpp"
#include "world.hpp"

namespace {

using namespace gossip;

struct run_case {
  const char* name;
  sim::settings s;
};

sim::settings base(const std::string& protocol, size_t nodes = 200) {
  sim::settings s;
  s.protocol = protocol;
  s.nodes = nodes;
  s.seed = 7;
  return s;
}

std::vector<run_case> cases() {
  std::vector<run_case> xs;
  auto add = [&](const char* name, sim::settings s) { xs.push_back({name, s}); };
  add("push", base("push"));
  add("pull", base("pull"));
  add("push-pull", base("push-pull"));
  add("anti-entropy", base("anti-entropy", 100));
  add("rumor", base("rumor"));
  auto blind = base("rumor");
  blind.protocol_params.set("blind", "true");
  blind.protocol_params.set("coin", "3");
  add("rumor blind coin", blind);
  add("probabilistic", base("probabilistic"));
  add("push-sum", base("push-sum", 100));
  add("plumtree", base("plumtree"));
  auto directed = base("directed");
  directed.sampler = "zone";
  directed.zones = 4;
  add("directed, zones", directed);
  for (auto p : {"pull", "push-pull", "rumor"}) {
    auto a = base(p);
    a.synchronous = false;
    add("async", a);
  }
  auto lossy = base("push-pull");
  lossy.loss = 0.2;
  add("loss", lossy);
  auto late = base("push");
  late.delay = 2;
  add("delay", late);
  auto crash = base("push-pull");
  crash.crash = 0.3;
  crash.crash_round = 3;
  add("crash", crash);
  auto rr = base("push");
  rr.sampler = "round-robin";
  add("round-robin", rr);
  auto ring = base("push", 60);
  ring.sampler = "ring";
  add("ring", ring);
  auto hv = base("push-pull");
  hv.overlay = "hyparview";
  hv.stabilise = 10;
  add("hyparview epidemic", hv);
  for (auto [protocol, fail] :
       {std::pair{"plumtree", 0.5}, std::pair{"probabilistic", 0.8}}) {
    auto b = base(protocol, 200);
    b.overlay = "hyparview";
    b.stabilise = 10;
    b.broadcasts = 5;
    b.fail = fail;
    add("broadcasts over hyparview", b);
  }
  auto full = base("probabilistic", 150);
  full.broadcasts = 4;
  full.fail = 0.3;
  add("broadcasts, full membership", full);
  return xs;
}

void expect_same(const sim::result& a, const sim::result& d) {
  EXPECT_EQ(a.rounds, d.rounds);
  EXPECT_EQ(a.residue, d.residue);
  EXPECT_EQ(a.traffic, d.traffic);
  EXPECT_EQ(a.t_ave, d.t_ave);
  EXPECT_EQ(a.t_last, d.t_last);
  EXPECT_EQ(a.bytes_per_node, d.bytes_per_node);
  EXPECT_EQ(a.informed, d.informed);
  EXPECT_EQ(a.max_rel_error, d.max_rel_error);
  EXPECT_EQ(a.non_subscribers_reached, d.non_subscribers_reached);
  EXPECT_EQ(a.survivors, d.survivors);
  EXPECT_EQ(a.reliabilities, d.reliabilities);
  EXPECT_EQ(a.rmr, d.rmr);
  EXPECT_EQ(a.ldh, d.ldh);
  EXPECT_EQ(a.heal_rounds, d.heal_rounds);
  EXPECT_EQ(a.control_per_node_round, d.control_per_node_round);
}

TEST(SimRuntime, TheWorldRunsExactlyWhatTheNodeActorsRun) {
  for (auto& c : cases()) {
    SCOPED_TRACE(c.name + (" " + c.s.protocol));
    auto s = c.s;
    s.runtime = "actors";
    auto on_actors = sim::run(s, 0, {});
    s.runtime = "direct";
    auto on_world = sim::run(s, 0, {});
    // A run that did nothing would agree too.
    if (s.broadcasts > 0)
      EXPECT_GT(on_world.reliability, 0.5);
    else
      EXPECT_GT(on_world.bytes_per_node, 0);
    expect_same(on_actors, on_world);
  }
}

TEST(SimRuntime, AnUnknownRuntimeIsRefused) {
  auto s = base("push");
  s.runtime = "threads";
  EXPECT_THROW(sim::run(s, 0, {}), std::invalid_argument);
}

// The world's own rules, seen from outside.

sim::world_options small(const std::string& protocol, size_t nodes = 20) {
  sim::world_options o;
  o.nodes = nodes;
  o.protocol = protocol;
  o.seed = 3;
  return o;
}

TEST(SimWorld, APutSpreadsAndIsCountedAsTheNodeActorCountsIt) {
  sim::world w{small("push")};
  w.put(0, "k", "v");
  for (int r = 0; r < 30; ++r)
    w.run_round();
  size_t have = 0;
  for (size_t i = 0; i < w.size(); ++i)
    if (w.peek(i).data->find("k") != nullptr)
      ++have;
  EXPECT_EQ(have, w.size());
  auto& c = *w.peek(0).stats;
  EXPECT_EQ(c.rounds, 30u);
  EXPECT_GT(c.total.sent_msgs, 0u);
  EXPECT_GT(c.total.sent_bytes, c.total.sent_msgs); // bytes, not messages
}

TEST(SimWorld, ACrashedNodeHearsNothingAndItsInsidesAreGone) {
  sim::world w{small("push")};
  w.crash(5);
  EXPECT_EQ(w.peek(5).stats, nullptr);
  w.put(0, "k", "v");
  for (int r = 0; r < 30; ++r)
    w.run_round();
  for (size_t i = 0; i < w.size(); ++i) {
    if (i != 5) {
      EXPECT_NE(w.peek(i).data->find("k"), nullptr) << i;
    }
  }
}

TEST(SimWorld, AMessageNobodyUnderstandsIsCountedUnknown) {
  sim::world w{small("push")};
  w.tell(1, caf::make_message(std::string{"no such request"}));
  w.settle();
  EXPECT_EQ(w.peek(1).stats->unknown, 1u);
}

TEST(SimWorld, ARequestReachesTheProtocolsApi) {
  sim::world w{small("probabilistic")};
  std::vector<std::string> delivered;
  std::vector<size_t> all;
  for (size_t i = 0; i < w.size(); ++i)
    all.push_back(i);
  w.observe(all, [&](const event& e) {
    if (e.kind == event_kind::delivered)
      delivered.push_back(e.node);
  });
  w.tell(2, caf::make_message(broadcast_atom::value, std::string{"hello"}));
  w.settle();
  for (int r = 0; r < 20; ++r)
    w.run_round();
  EXPECT_GT(delivered.size(), w.size() / 2);
}

TEST(SimWorld, BadOptionsAreRefused) {
  EXPECT_THROW(sim::world{small("no-such-protocol")}, std::invalid_argument);
  auto o = small("push");
  o.sampler = "no-such-sampler";
  EXPECT_THROW(sim::world{o}, std::invalid_argument);
  o = small("push", 0);
  EXPECT_THROW(sim::world{o}, std::invalid_argument);
}

} // namespace
