// Write levels, wait and membership agreement on whole in-process clusters
// under the deterministic scheduler: retries and deadlines fire in virtual
// time, no round runs unless a test runs one, so what holds a write is what
// the write level put there.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <set>

#include "gossip/atoms.hpp"
#include "gossip/local_cluster.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

cluster_options deterministic(size_t n) {
  cluster_options opts;
  opts.nodes = n;
  opts.protocol = "push"; // spreads in rounds only: none run here unless asked
  opts.deterministic = true;
  return opts;
}

// Nodes (but the crashed ones) whose store holds `key` at `version`.
std::vector<size_t> holders(local_cluster& c, const std::string& key, uint64_t version,
                            const std::set<size_t>& crashed = {}) {
  std::vector<size_t> result;
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& x : crashed.count(i) > 0 ? std::vector<keyed_entry>{} : c.snapshot(i))
      if (x.key == key && x.e.version == version)
        result.push_back(i);
  return result;
}

} // namespace

TEST(Replicas, TheAnswerComesOnceKMembersHoldTheWrite) {
  local_cluster c{deterministic(5)};
  auto r = c.put(0, "k", "v", write_level{2, 1000});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.held, 2u);
  EXPECT_EQ(r.needed, 2u);
  EXPECT_EQ(r.live, 5u);
  EXPECT_EQ(holders(c, "k", r.version).size(), 2u);
  auto m = c.put(1, "m", "v", write_level{write_level::majority, 1000});
  EXPECT_TRUE(m.ok());
  EXPECT_EQ(m.held, 3u);
  EXPECT_EQ(holders(c, "m", m.version).size(), 3u);
  auto a = c.put(2, "a", "v", write_level{write_level::all, 1000});
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.held, 5u);
  EXPECT_EQ(holders(c, "a", a.version).size(), 5u);
  auto one = c.put(3, "one", "v", write_level{1, 1000});
  EXPECT_TRUE(one.ok());
  EXPECT_EQ(holders(c, "one", one.version), (std::vector<size_t>{3}));
}

TEST(Replicas, DeletesHaveLevelsToo) {
  local_cluster c{deterministic(4)};
  c.put(0, "k", "v", write_level{write_level::all, 1000});
  auto r = c.erase(0, "k", write_level{write_level::all, 1000});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.held, 4u);
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& x : c.snapshot(i))
      EXPECT_TRUE(x.e.tombstone) << "node " << i;
  EXPECT_EQ(c.erase(0, "absent", write_level{2, 1000}).version, 0u);
}

TEST(Replicas, SilentMembersAreReplacedByOthers) {
  local_cluster c{deterministic(6)};
  c.crash(1);
  c.crash(2);
  c.crash(3);
  auto r = c.put(0, "k", "v", write_level{3, 5000});
  EXPECT_TRUE(r.ok()) << r.held << " of " << r.needed;
  EXPECT_EQ(holders(c, "k", r.version, {1, 2, 3}), (std::vector<size_t>{0, 4, 5}));
}

TEST(Replicas, AllTimesOutNamingWhoDidNotConfirm) {
  local_cluster c{deterministic(5)};
  c.crash(3);
  auto r = c.put(0, "k", "v", write_level{write_level::all, 2000});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.held, 4u);
  EXPECT_EQ(r.needed, 5u);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"3"}));
  // Written all the same, here and where it was confirmed.
  EXPECT_EQ(holders(c, "k", r.version, {3}), (std::vector<size_t>{0, 1, 2, 4}));
}

TEST(Replicas, MoreReplicasThanMembersFailsOnceAllAnswered) {
  local_cluster c{deterministic(3)};
  auto r = c.put(0, "k", "v", write_level{5, 60000});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.held, 3u);
  EXPECT_EQ(r.needed, 5u);
  EXPECT_EQ(r.live, 3u);
}

TEST(Replicas, BadLevelsAreRefused) {
  local_cluster c{deterministic(2)};
  EXPECT_THROW(c.put(0, "k", "v", write_level{0, 1000}), std::runtime_error);
  EXPECT_THROW(c.put(0, "k", "v", write_level{2, 0}), std::runtime_error);
  EXPECT_THROW(c.wait(0, "k", 0ms), std::runtime_error);
  EXPECT_TRUE(c.snapshot(0).empty());
}

TEST(Wait, ReturnsOnceEveryLiveMemberHoldsTheVersion) {
  local_cluster c{deterministic(5)};
  auto v = c.put(0, "k", "v");
  auto early = c.wait(0, "k", 500ms); // no round ran: only node 0 holds it
  EXPECT_FALSE(early.ok());
  EXPECT_EQ(early.version, v);
  EXPECT_EQ(early.held, 1u);
  EXPECT_EQ(early.missing, (std::vector<std::string>{"1", "2", "3", "4"}));
  ASSERT_LE(c.rounds_until_converged(50), 50u);
  auto r = c.wait(0, "k", 500ms);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.held, 5u);
  EXPECT_EQ(r.live, 5u);
  EXPECT_EQ(c.wait(3, "absent", 500ms).version, 0u);
}

TEST(Wait, AMemberThatCannotAnswerHoldsItUp) {
  local_cluster c{deterministic(4)};
  auto v = c.put(0, "k", "v", write_level{write_level::all, 1000}).version;
  c.crash(2); // still a member: no membership protocol runs here
  auto r = c.wait(1, "k", 1000ms);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.version, v);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"2"}));
}

TEST(Agree, MembersWithTheSameViewAgree) {
  local_cluster c{deterministic(4)};
  auto r = c.agree(0, 1000ms);
  EXPECT_TRUE(r.agreed());
  EXPECT_EQ(r.members, 4u);
  caf::anon_send(c.node(1), in_process, caf::leave_atom::value, std::string{"3"});
  c.settle(); // node 1 no longer counts node 3
  c.crash(2);
  auto d = c.agree(0, 1000ms);
  EXPECT_FALSE(d.agreed());
  EXPECT_EQ(d.differing, (std::vector<std::string>{"1"}));
  EXPECT_EQ(d.silent, (std::vector<std::string>{"2"}));
}

TEST(ReplicasTrust, StrangersAndDuplicatesDoNotCountAndMalformedAnswersAreRejected) {
  local_cluster c{deterministic(4)};
  c.crash(2);
  c.crash(3);
  caf::scoped_actor self{c.system()};
  // Node 0's first request (seq 1) needs 3 holders; node 1 is the only
  // live other member.
  auto h = self->request(c.node(0), 60s, caf::put_atom::value, std::string{"k"},
                         std::string{"v"}, write_level{3, 1000});
  c.settle();
  auto version = c.snapshot(0).at(0).e.version;
  digest_item it{"k", version, "0"};
  for (int i = 0; i < 3; ++i) {
    caf::anon_send(c.node(0), held{"mallory", 1, it});
    caf::anon_send(c.node(0), held{"1", 1, it});
  }
  caf::anon_send(c.node(0), held{"", 1, it});
  c.settle();
  c.wait(0, "k", 2000ms); // lets the write's deadline pass in virtual time
  hold_report r;
  h.receive([&](const hold_report& x) { r = x; },
            [&](caf::error& err) { ADD_FAILURE() << c.system().render(err); });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.held, 2u);
  EXPECT_EQ(c.stats(0).by_type["gossip::held"].rejected, 1u);
}

TEST(ReplicasTrust, PendingRequestsAreBounded) {
  auto opts = deterministic(3);
  opts.node.limits.max_pending = 2;
  local_cluster c{opts};
  c.put(0, "k", "v");
  c.crash(2); // nobody gets the write from node 0: waits stay pending
  caf::scoped_actor self{c.system()};
  auto ask = [&] {
    return self->request(c.node(0), 60s, wait_atom::value, std::string{"k"},
                         uint64_t{5000});
  };
  ask();
  ask();
  auto h3 = ask();
  c.settle();
  std::string refused;
  h3.receive([&](const hold_report&) { ADD_FAILURE() << "not refused"; },
             [&](caf::error& err) { refused = c.system().render(err); });
  EXPECT_NE(refused.find("too many requests"), std::string::npos) << refused;
  EXPECT_EQ(c.stats(0).refused_requests, 1u);
}
