// Real gossip-node processes on 127.0.0.1 against a hostile client of our own
// (hostile.hpp): what CAF 0.17 alone would let hurt a node (a 4 GiB frame
// header, random headers, idle and half-sent connections) must leave its
// memory bounded, get the hostile connections closed, and leave the cluster
// working. And a restarted node joins past unreachable seeds. Bounds are on
// memory and on outcomes; waits are event-driven with generous upper bounds.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include "helpers.hpp"
#include "hostile.hpp"

using namespace gossip::proc;
using namespace gossip::test;
using gossip::event_kind;
using namespace std::chrono_literals;
namespace hostile = gossip::hostile;

namespace {

// Connects, sends `bytes` (maybe none) and leaves the socket open.
int attack(uint16_t port, const void* bytes = nullptr, size_t size = 0) {
  int fd = hostile::connect_loopback(port);
  if (fd >= 0 && size > 0)
    hostile::send_all(fd, bytes, size);
  return fd;
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds)
    if (fd >= 0)
      ::close(fd);
  fds.clear();
}

constexpr long max_growth_kib = 64 * 1024;

class Abuse : public ::testing::Test {
protected:
  void SetUp() override {
    cluster.start_all();
    ASSERT_TRUE(cluster.wait_until([&] { return all_see(cluster, 3); }, 60s))
        << "3 nodes did not all see 3 alive members";
    victim = cluster.pid(0);
    port = port_of(cluster.address(0));
    rss_before = hostile::status_kib(victim, "VmRSS");
    ASSERT_GT(rss_before, 0);
  }

  void TearDown() override { cluster.stop_all(); }

  // The victim's peak resident memory since it started, over its memory
  // before the attack.
  long growth_kib() const { return hostile::status_kib(victim, "VmHWM") - rss_before; }

  // Afterwards the cluster still works: a write on the victim reaches the
  // others, and nobody was ever marked down.
  void expect_cluster_works(const std::string& key) {
    ASSERT_EQ(cluster.ctl(0, {"put", key, "v"}), 0);
    auto stored_everywhere = [&] {
      for (size_t i = 0; i < cluster.size(); ++i) {
        bool found = false;
        for (auto& ev : cluster.events(i))
          found = found || (ev.kind == event_kind::stored && ev.key == key);
        if (!found)
          return false;
      }
      return true;
    };
    EXPECT_TRUE(cluster.wait_until(stored_everywhere, 30s));
    EXPECT_EQ(count_events(cluster, event_kind::member_down), 0u);
    EXPECT_TRUE(all_see(cluster, 3));
  }

  process_cluster cluster{spec(3)};
  pid_t victim = -1;
  uint16_t port = 0;
  long rss_before = 0;
};

} // namespace

TEST_F(Abuse, AFourGibHeaderIsRefusedBeforeAnythingIsAllocated) {
  std::vector<int> fds;
  for (uint8_t op : {1, 2}) { // as a handshake and as a message
    auto h = hostile::basp_header(op, 0xFFFFFFFFu, 0, 0, op == 2 ? 1 : 0);
    fds.push_back(attack(port, h.data(), h.size()));
    ASSERT_GE(fds.back(), 0);
    EXPECT_TRUE(hostile::wait_closed(fds.back(), 60s)) << "operation " << int{op};
  }
  // After a handshake (garbage node id): the next header announces 4 GiB.
  auto hs = hostile::basp_header(1, 32);
  std::vector<uint8_t> bytes(hs.begin(), hs.end());
  bytes.resize(bytes.size() + 32, 0x5a);
  auto big = hostile::basp_header(2, 0xFFFFFFFFu, 0, 1, 1);
  bytes.insert(bytes.end(), big.begin(), big.end());
  fds.push_back(attack(port, bytes.data(), bytes.size()));
  EXPECT_TRUE(hostile::wait_closed(fds.back(), 60s)) << "after a handshake";
  close_all(fds);
  EXPECT_LT(growth_kib(), max_growth_kib);
  expect_cluster_works("after-4gib");
}

TEST_F(Abuse, SixHundredRandomHeadersAreAllClosed) {
  std::mt19937_64 rng{2024};
  std::vector<int> fds;
  for (int i = 0; i < 600; ++i) {
    auto h = hostile::random_header(rng);
    fds.push_back(attack(port, h.data(), h.size()));
    ASSERT_GE(fds.back(), 0);
  }
  EXPECT_EQ(hostile::wait_all_closed(fds, 120s), fds.size());
  close_all(fds);
  EXPECT_LT(growth_kib(), max_growth_kib);
  expect_cluster_works("after-random");
}

TEST_F(Abuse, IdleAndHalfSentConnectionsAreClosed) {
  std::vector<int> fds{attack(port)};
  auto h = hostile::basp_header(1, 32);
  fds.push_back(attack(port, h.data(), 10));       // a partial header
  fds.push_back(attack(port, h.data(), h.size())); // a header, no payload
  for (int fd : fds) {
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(hostile::wait_closed(fd, 60s));
  }
  close_all(fds);
  EXPECT_LT(growth_kib(), max_growth_kib);
  expect_cluster_works("after-idle");
}

TEST_F(Abuse, ManyIdleSocketsAreClosedAndDenyNobody) {
  std::vector<int> fds;
  for (int i = 0; i < 300; ++i) {
    fds.push_back(attack(port));
    ASSERT_GE(fds.back(), 0);
  }
  // While they are open, a client still gets through (300 < --max-peers).
  std::string out;
  EXPECT_EQ(cluster.ctl(0, {"members"}, &out), 0);
  EXPECT_EQ(hostile::wait_all_closed(fds, 120s), fds.size());
  close_all(fds);
  EXPECT_LT(growth_kib(), max_growth_kib);
  expect_cluster_works("after-many-idle");
}

// A node restarts with seeds that cannot answer (a blackholed port, a
// closed one, a stopped process) before a reachable one: it joins anyway.
TEST(Seeds, ARestartedNodeJoinsPastUnreachableSeeds) {
  process_cluster c{spec(3)};
  c.start(0);
  c.start(1);
  ASSERT_TRUE(c.wait_until([&] { return c.live_view(0).size() == 2; }, 60s));
  // n3: a node of its own (no seeds), then stopped: TCP connects to it
  // succeed, nothing ever answers.
  c.launch(2, 2);
  ASSERT_TRUE(c.wait_listening(2, 20s));
  c.signal(2, SIGSTOP);
  c.kill(1);
  hostile::blackhole hole;
  auto seeds = "--seeds=127.0.0.1:" + std::to_string(hole.port()) +
               ",127.0.0.1:" + std::to_string(hostile::closed_port()) + "," +
               c.address(2) + "," + c.address(0);
  c.launch(1, 1, {seeds});
  ASSERT_TRUE(c.wait_listening(1, 20s));
  // Its events start with this life: n1 up means n1 answered.
  auto joined = [&] {
    return c.last_member_event(1, c.name(0)) == event_kind::member_up;
  };
  EXPECT_TRUE(c.wait_until(joined, 60s)) << "n2 did not join through n1";
  c.signal(2, SIGCONT);
  c.stop_all();
}
