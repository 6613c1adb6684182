// One node and its neighbours under the deterministic scheduler: events,
// validation, ticks.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include "gossip/atoms.hpp"
#include "gossip/event.hpp"
#include "gossip/local_cluster.hpp"
#include "gossip/push.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

struct recorded {
  std::string kind, node, peer, key, value;
  bool operator==(const recorded& o) const {
    return std::tie(kind, node, peer, key, value) ==
           std::tie(o.kind, o.node, o.peer, o.key, o.value);
  }
};

std::ostream& operator<<(std::ostream& out, const recorded& r) {
  return out << r.kind << "@" << r.node << " from=" << r.peer << " " << r.key << "="
             << r.value;
}

std::vector<recorded> drain(caf::scoped_actor& self) {
  std::vector<recorded> result;
  bool more = true;
  while (more)
    self->receive(
        [&](const event& ev) {
          result.push_back({to_string(ev.kind), ev.node, ev.peer, ev.key, ev.value});
        },
        caf::after(0ms) >> [&] { more = false; });
  return result;
}

cluster_options two_on_a_ring() {
  cluster_options opts;
  opts.nodes = 2;
  opts.protocol = "push";
  opts.node.sampler = "ring";
  opts.deterministic = true;
  return opts;
}

} // namespace

TEST(Node, SubscriberGetsExactlyTheEventsItShould) {
  local_cluster cluster{two_on_a_ring()};
  caf::scoped_actor self{cluster.system()};
  for (size_t i = 0; i < 2; ++i)
    caf::anon_send(cluster.node(i), caf::subscribe_atom::value, caf::actor{self});
  cluster.settle();
  cluster.put(0, "k", "v");
  EXPECT_EQ(drain(self), (std::vector<recorded>{{"stored", "0", "", "k", "v"}}));
  cluster.run_round(); // 0 pushes to 1: new to 1
  EXPECT_EQ(drain(self), (std::vector<recorded>{{"delivered", "1", "0", "k", "v"},
                                                {"stored", "1", "", "k", "v"}}));
  cluster.run_round(); // both push, nothing new anywhere
  auto events = drain(self);
  std::sort(events.begin(), events.end(),
            [](auto& a, auto& b) { return a.node < b.node; });
  EXPECT_EQ(events, (std::vector<recorded>{{"delivered", "0", "1", "k", "v"},
                                           {"delivered", "1", "0", "k", "v"}}));
  for (size_t i = 0; i < 2; ++i)
    caf::anon_send(cluster.node(i), caf::unsubscribe_atom::value, caf::actor{self});
  cluster.run_round();
  EXPECT_TRUE(drain(self).empty());
}

TEST(Node, MalformedAndUnknownMessagesLeaveTheStoreAlone) {
  local_cluster cluster{two_on_a_ring()};
  cluster.put(1, "k", "good");
  auto before = cluster.snapshot(1);
  auto& node = cluster.node(1);
  auto bad = [](std::string key, entry e) {
    return push_msg{"0", {keyed_entry{std::move(key), std::move(e)}}};
  };
  caf::anon_send(node, bad("k", entry{"evil", 0, "0", false, 0})); // version 0
  caf::anon_send(node, bad("", entry{"evil", 99, "0", false, 0})); // empty key
  caf::anon_send(node, bad("k", entry{"evil", 99, "", false, 0})); // no origin
  caf::anon_send(node, bad("k", entry{"evil", 99, "0", true, 0})); // tombstone + value
  caf::anon_send(node, bad("k", entry{std::string(2 << 20, 'x'), 99, "0", false, 0}));
  caf::anon_send(node, push_msg{"", {}});       // no sender
  caf::anon_send(node, std::string{"garbage"}); // unknown type
  caf::anon_send(node, 42, 3.5);                // unknown type
  cluster.settle();
  auto after = cluster.snapshot(1);
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after[0].e.value, "good");
  EXPECT_TRUE(same_write(after[0].e, before[0].e));
  auto c = cluster.stats(1);
  // Five messages with one bad entry each (the entry is dropped), one without
  // a sender (the whole message is).
  EXPECT_EQ(c.by_type["gossip::push_msg"].rejected_items, 5u);
  EXPECT_EQ(c.by_type["gossip::push_msg"].rejected, 1u);
  EXPECT_EQ(c.by_type["gossip::push_msg"].recv_msgs, 6u);
  EXPECT_EQ(c.unknown, 2u);
  // One bad entry does not sink its batch.
  caf::anon_send(node, push_msg{"0",
                                {keyed_entry{"k", entry{"evil", 0, "0", false, 0}},
                                 keyed_entry{"other", entry{"fine", 5, "0", false, 0}}}});
  cluster.settle();
  EXPECT_EQ(cluster.snapshot(1).size(), 2u);
  EXPECT_EQ(cluster.stats(1).by_type["gossip::push_msg"].rejected_items, 6u);
  // Still alive and merging good updates.
  caf::anon_send(node, bad("k", entry{"better", 99, "0", false, 0}));
  cluster.settle();
  EXPECT_EQ(cluster.snapshot(1)[0].e.value, "better");
}

TEST(Node, RejectsOversizedLocalWrites) {
  local_cluster cluster{two_on_a_ring()};
  EXPECT_THROW(cluster.put(0, std::string(5000, 'k'), "v"), std::runtime_error);
  EXPECT_THROW(cluster.put(0, "", "v"), std::runtime_error);
  EXPECT_TRUE(cluster.snapshot(0).empty());
}

TEST(Node, TicksOnItsOwnInVirtualTime) {
  caf::actor_system_config cfg;
  register_types(cfg);
  cfg.set("scheduler.policy", caf::atom("testing"));
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  node_config nc;
  nc.name = "solo";
  nc.interval = 1s;
  nc.jitter = 0;
  std::vector<std::unique_ptr<protocol>> ps;
  ps.push_back(make_protocol("push", {}));
  auto node = spawn_node(sys, nc, std::move(ps));
  sched.run();
  auto rounds = [&] {
    caf::scoped_actor self{sys, true};
    uint64_t result = 0;
    auto h = self->request(node, 1s, stats_atom::value);
    sched.run();
    h.receive([&](const counters& c) { result = c.rounds; }, [](caf::error&) {});
    return result;
  };
  EXPECT_EQ(rounds(), 0u);
  sched.advance_time(999ms);
  sched.run();
  EXPECT_EQ(rounds(), 0u);
  sched.advance_time(1ms);
  sched.run();
  EXPECT_EQ(rounds(), 1u);
  sched.advance_time(1s);
  sched.run();
  EXPECT_EQ(rounds(), 2u);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
  sched.run();
}

TEST(Node, SpawnRejectsBadConfig) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  caf::actor_system sys{cfg};
  node_config nc;
  nc.name = "";
  EXPECT_THROW(spawn_node(sys, nc, {}), std::invalid_argument);
  nc.name = "x";
  nc.jitter = 1.5;
  EXPECT_THROW(spawn_node(sys, nc, {}), std::invalid_argument);
  nc.jitter = 0;
  nc.sampler = "bogus";
  EXPECT_THROW(spawn_node(sys, nc, {}), std::invalid_argument);
}

namespace gossip {
namespace {

TEST(Directory, ANumberedDirectoryFindsCanonicalNumbersOnly) {
  directory dir;
  for (size_t i = 0; i < 12; ++i)
    dir.names.push_back(std::to_string(i));
  dir.numbered = true;
  EXPECT_EQ(dir.find("0"), 0u);
  EXPECT_EQ(dir.find("11"), 11u);
  EXPECT_EQ(dir.find("12"), directory::npos);  // past the end
  EXPECT_EQ(dir.find("011"), directory::npos); // 11, but not its name
  EXPECT_EQ(dir.find("00"), directory::npos);
  EXPECT_EQ(dir.find(""), directory::npos);
  EXPECT_EQ(dir.find("1a"), directory::npos);
  EXPECT_EQ(dir.find("9999999999"), directory::npos);
}

} // namespace
} // namespace gossip
