// The connection guard in one process: actor systems talking over real
// loopback sockets through it, a CAF client without a guard, and hostile
// raw sockets. Waits have generous upper bounds; no durations are asserted.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "gossip/guard.hpp"
#include "hostile.hpp"

using namespace std::chrono_literals;
namespace hostile = gossip::hostile;
namespace guard = gossip::guard;

namespace {

struct config : caf::actor_system_config {
  config() {
    load<caf::io::middleman>();
    set("scheduler.max-threads", size_t{2});
    set("middleman.heartbeat-interval", caf::timespan{200ms});
  }
};

caf::behavior adder(caf::event_based_actor*) {
  return {
      [](int x) { return x + 1; },
      [](const std::string& s) { return s.size(); },
  };
}

bool ask(caf::actor_system& sys, const caf::actor& h, int x = 41) {
  int r = 0;
  caf::scoped_actor self{sys};
  self->request(h, 10s, x).receive([&](int y) { r = y; }, [](caf::error&) {});
  return r == x + 1;
}

// The length the node reports for a string of `n` bytes (0: no answer).
size_t length_of(caf::actor_system& sys, const caf::actor& h, size_t n) {
  size_t got = 0;
  caf::scoped_actor self{sys};
  self->request(h, 10s, std::string(n, 'x'))
      .receive([&](size_t len) { got = len; }, [](caf::error&) {});
  return got;
}

class Guard : public ::testing::Test {
protected:
  Guard() : server(server_cfg), client(client_cfg) {}

  void SetUp() override {
    node = server.spawn(adder);
    s.handshake_timeout = 1s;
    s.idle_timeout = 2s;
    s.max_frame = 64 * 1024;
    auto p = guard::listen(server, node, "127.0.0.1", 0, s);
    ASSERT_TRUE(p) << server.render(p.error());
    port = *p;
  }

  void TearDown() override {
    guard::stop(server);
    guard::stop(client);
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
  }

  // A new plain CAF client reaches the node and is answered.
  bool answers_a_new_client() {
    auto h = client.middleman().remote_actor("127.0.0.1", port);
    return h && ask(client, *h);
  }

  guard::counts counts() {
    auto c = guard::query(server, guard::of(server));
    return c ? *c : guard::counts{};
  }

  config server_cfg, client_cfg;
  caf::actor_system server, client;
  caf::actor node;
  guard::settings s;
  uint16_t port = 0;
};

} // namespace

TEST_F(Guard, APlainCafClientReachesTheNode) {
  auto h = client.middleman().remote_actor("127.0.0.1", port);
  ASSERT_TRUE(h) << client.render(h.error());
  EXPECT_TRUE(ask(client, *h));
  // Heartbeats keep the connection past the idle timeout.
  std::this_thread::sleep_for(s.idle_timeout + 1s);
  EXPECT_TRUE(ask(client, *h));
}

TEST_F(Guard, DialReachesTheNodeThroughTheClientsGuard) {
  auto h = guard::dial(client, "127.0.0.1", port);
  ASSERT_TRUE(h) << client.render(h.error());
  EXPECT_TRUE(ask(client, *h));
  auto again = guard::dial(client, "127.0.0.1", port);
  ASSERT_TRUE(again) << "a second connect to a connected node still answers";
  EXPECT_TRUE(ask(client, *again));
}

TEST_F(Guard, HostileBytesAreClosedAndCounted) {
  int huge = hostile::connect_loopback(port);
  auto x = hostile::basp_header(1, 0xFFFFFFFFu);
  ASSERT_TRUE(hostile::send_all(huge, x.data(), x.size()));
  EXPECT_TRUE(hostile::wait_closed(huge, 10s)) << "4 GiB handshake header";
  int idle = hostile::connect_loopback(port);
  EXPECT_TRUE(hostile::wait_closed(idle, 10s)) << "idle socket";
  int partial = hostile::connect_loopback(port);
  ASSERT_TRUE(hostile::send_all(partial, x.data(), 10));
  EXPECT_TRUE(hostile::wait_closed(partial, 10s)) << "partial header";
  for (int fd : {huge, idle, partial})
    ::close(fd);
  auto c = counts();
  EXPECT_EQ(c.rejected, 1u);
  EXPECT_EQ(c.timed_out, 2u);
  EXPECT_TRUE(answers_a_new_client());
}

TEST_F(Guard, AMessageOverTheCapClosesItsConnection) {
  auto h = client.middleman().remote_actor("127.0.0.1", port);
  ASSERT_TRUE(h);
  caf::scoped_actor self{client};
  self->monitor(*h);
  bool failed = false;
  self->request(*h, 5s, std::string(s.max_frame * 2, 'x'))
      .receive([](size_t) {}, [&](caf::error&) { failed = true; });
  EXPECT_TRUE(failed);
  bool down = false;
  self->receive([&](const caf::down_msg&) { down = true; }, caf::after(10s) >> [] {});
  EXPECT_TRUE(down) << "the client loses its connection, nothing else";
  EXPECT_EQ(counts().rejected, 1u);
  // A new connection works (a new proxy: the old one is dead).
  auto again = client.middleman().remote_actor("127.0.0.1", port);
  ASSERT_TRUE(again);
  EXPECT_TRUE(ask(client, *again));
}

// BASP reads a frame in exact pieces (a header, then its payload); the guard
// hands over what it checked in reads of at most 16 KiB.
TEST_F(Guard, AMessageLongerThanManyReadsArrivesWhole) {
  auto h = guard::dial(client, "127.0.0.1", port);
  ASSERT_TRUE(h) << client.render(h.error());
  size_t n = 3 * 16 * 1024 + 5;
  EXPECT_EQ(length_of(client, *h, n), n);
  EXPECT_TRUE(ask(client, *h)) << "and the next message after it";
}

// A frame whose header passes the guard but whose payload BASP cannot read
// (a client handshake of one byte holds no node id): BASP closes its end,
// and the guard closes the peer's socket.
TEST_F(Guard, AFrameBaspRefusesClosesThePeer) {
  int fd = hostile::connect_loopback(port);
  auto x = hostile::basp_header(1, 1);
  ASSERT_TRUE(hostile::send_all(fd, x.data(), x.size()));
  ASSERT_TRUE(hostile::send_all(fd, "z", 1));
  EXPECT_TRUE(hostile::wait_closed(fd, 10s));
  ::close(fd);
  EXPECT_EQ(counts().rejected, 0u) << "BASP refused it, not the guard";
  EXPECT_EQ(counts().timed_out, 0u) << "closed by BASP, not by the idle timeout";
  EXPECT_EQ(counts().peers, 0u);
  EXPECT_TRUE(answers_a_new_client());
}

// The server's guard stops, and with it its connections: the client's guard
// sees its socket closed and tells BASP, so the server's actors are down for
// the client at once (not after a missed heartbeat).
TEST_F(Guard, APeerWhoseConnectionEndsIsDownAtOnce) {
  auto h = guard::dial(client, "127.0.0.1", port);
  ASSERT_TRUE(h) << client.render(h.error());
  caf::scoped_actor self{client};
  self->monitor(*h);
  guard::stop(server);
  bool down = false;
  self->receive([&](const caf::down_msg& m) { down = m.source == *h; },
                caf::after(10s) >> [] {});
  EXPECT_TRUE(down);
}

TEST(GuardDial, AHostileServerCannotMakeTheClientAllocate) {
  config cfg;
  caf::actor_system sys{cfg};
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(lfd, 1), 0);
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  std::thread server{[lfd] {
    int c = ::accept(lfd, nullptr, nullptr);
    auto evil = hostile::basp_header(0, 0xFFFFFFFFu, 1);
    hostile::send_all(c, evil.data(), evil.size());
    hostile::wait_closed(c, 10s);
    ::close(c);
  }};
  auto before = hostile::status_kib(::getpid(), "VmRSS");
  auto h = guard::dial(sys, "127.0.0.1", ntohs(a.sin_port));
  server.join();
  ::close(lfd);
  EXPECT_FALSE(h);
  EXPECT_LT(hostile::status_kib(::getpid(), "VmRSS") - before, 64 * 1024);
  guard::stop(sys);
}

TEST(GuardDial, AnUnreachablePeerDelaysNoOtherConnect) {
  config server_cfg, client_cfg;
  caf::actor_system server{server_cfg}, client{client_cfg};
  auto node = server.spawn(adder);
  auto port = guard::listen(server, node, "127.0.0.1", 0, guard::settings{});
  ASSERT_TRUE(port);
  guard::settings s;
  s.handshake_timeout = 2s;
  guard::start(client, s);
  hostile::blackhole hole;
  std::atomic<bool> hole_done{false};
  auto stuck = std::async(std::launch::async, [&] {
    auto h = guard::dial(client, "127.0.0.1", hole.port());
    hole_done = true;
    return static_cast<bool>(h);
  });
  std::this_thread::sleep_for(100ms); // the blackhole connect is under way
  auto h = guard::dial(client, "127.0.0.1", *port);
  bool hole_was_pending = !hole_done;
  ASSERT_TRUE(h) << client.render(h.error());
  EXPECT_TRUE(ask(client, *h));
  EXPECT_TRUE(hole_was_pending)
      << "the reachable peer did not wait for the unreachable one";
  EXPECT_FALSE(stuck.get()) << "the connect to the blackhole times out";
  guard::stop(server);
  guard::stop(client);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
}

TEST(GuardCap, ConnectionsOverTheCapAreRefused) {
  config cfg;
  caf::actor_system sys{cfg};
  auto node = sys.spawn(adder);
  guard::settings s;
  s.max_peers = 6; // of which 3 may be in their handshake
  auto port = guard::listen(sys, node, "127.0.0.1", 0, s);
  ASSERT_TRUE(port);
  std::vector<int> fds;
  for (int i = 0; i < 3; ++i)
    fds.push_back(hostile::connect_loopback(*port));
  // Let the guard take the three, then one more: closed at once.
  auto counted = [&] {
    auto c = guard::query(sys, guard::of(sys));
    return c ? c->peers : 0;
  };
  for (int i = 0; i < 100 && counted() < 3; ++i)
    std::this_thread::sleep_for(20ms);
  int extra = hostile::connect_loopback(*port);
  EXPECT_TRUE(hostile::wait_closed(extra, 10s));
  ::close(extra);
  auto c = guard::query(sys, guard::of(sys));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->refused, 1u);
  // Connecting out still works: connections stuck in their handshake hold
  // only half the cap.
  config other_cfg;
  caf::actor_system other{other_cfg};
  auto other_node = other.spawn(adder);
  auto other_port = guard::listen(other, other_node, "127.0.0.1", 0, guard::settings{});
  ASSERT_TRUE(other_port);
  auto h = guard::dial(sys, "127.0.0.1", *other_port);
  ASSERT_TRUE(h) << sys.render(h.error());
  EXPECT_TRUE(ask(sys, *h));
  for (int fd : fds)
    ::close(fd);
  guard::stop(other);
  guard::stop(sys);
  caf::anon_send_exit(other_node, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
}

// A frame larger than the guard's high-water mark: BASP is reading it and
// needs all of it, so the guard must keep reading the peer (it waits only
// while BASP has not taken the connection yet).
TEST(GuardRelay, AFrameLargerThanTheHighWaterMarkArrives) {
  config cfg, client_cfg;
  caf::actor_system sys{cfg}, client{client_cfg};
  auto node = sys.spawn(adder);
  guard::settings s;
  s.max_frame = 1u << 20;
  s.high_water = 64u << 10;
  auto port = guard::listen(sys, node, "127.0.0.1", 0, s);
  ASSERT_TRUE(port);
  auto h = guard::dial(client, "127.0.0.1", *port);
  ASSERT_TRUE(h) << client.render(h.error());
  EXPECT_EQ(length_of(client, *h, 512u << 10), 512u << 10);
  EXPECT_TRUE(ask(client, *h));
  guard::stop(client);
  guard::stop(sys);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
}

TEST(GuardSettings, OutOfRangeSettingsAreRefused) {
  guard::settings s;
  EXPECT_TRUE(guard::check(s).empty());
  s.max_frame = 1000;
  EXPECT_FALSE(guard::check(s).empty());
  s = {};
  s.handshake_timeout = 2min;
  EXPECT_FALSE(guard::check(s).empty());
  s = {};
  s.max_peers = 0;
  EXPECT_FALSE(guard::check(s).empty());
  s = {};
  s.high_water = 3; // a pause could never end (it resumes under a quarter)
  EXPECT_FALSE(guard::check(s).empty());
  EXPECT_GT(guard::fit_fd_limit(10), 0u);
  EXPECT_LT(guard::heartbeat_interval(guard::settings{}), guard::settings{}.idle_timeout);
}
