// A forged claim about where a member lives, sent to one node of a real
// 3-node cluster: only that node may try the address (with backoff); the
// others learn the member without it and connect nowhere.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <sstream>
#include <thread>

#include "gossip/address.hpp"
#include "gossip/swim.hpp"
#include "gossip/types.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

/// A TCP listener on 127.0.0.1 that accepts and at once closes every
/// connection, counting them: the "arbitrary host:port" of the attack.
class bait {
public:
  bait() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
        ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len))
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread{[this] { run(); }};
  }
  ~bait() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  size_t accepted() const { return accepted_; }

private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) == 1)
        if (int c = ::accept(fd_, nullptr, nullptr); c >= 0) {
          ++accepted_;
          ::close(c);
        }
    }
  }
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> accepted_{0};
  std::thread thread_;
};

/// Sends one swim_gossip to the node at `address`, as a peer named `from`
/// would, through CAF's network layer.
void send_claim(const std::string& address, const std::string& from,
                const member_update& claim) {
  caf::actor_system_config cfg;
  register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"caf-gossip"});
  cfg.set("scheduler.max-threads", size_t{1});
  caf::actor_system sys{cfg};
  auto hp = parse_host_port(address);
  ASSERT_TRUE(hp);
  auto node = sys.middleman().remote_actor(hp->host, hp->port);
  ASSERT_TRUE(node) << sys.render(node.error());
  caf::scoped_actor self{sys};
  self->send(*node, swim_gossip{from, {claim}});
  // A members request answered means the claim, sent before it, arrived.
  self->request(*node, 5s, members_atom::value)
      .receive([](const std::vector<member_update>&) {}, [](caf::error&) {});
}

/// The address node i's `gossip-ctl members` shows for `name` ("" when it
/// shows none, "-" when it does not know the member).
std::string shown_address(process_cluster& c, size_t i, const std::string& name) {
  std::string out;
  c.ctl(i, {"members"}, &out);
  std::istringstream lines{out};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words{line};
    std::string who, where;
    words >> who >> where;
    if (who == name)
      return where.find(':') != std::string::npos ? where : "";
  }
  return "-";
}

} // namespace

TEST(Claims, AnAnnouncedAddressIsTriedOnlyByTheNodeThatHeardIt) {
  cluster_spec s;
  s.nodes = 3;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = {"--interval=200ms"};
  process_cluster c{s};
  c.start_all();
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (size_t i = 0; i < c.size(); ++i)
          if (c.live_view(i).size() != 3)
            return false;
        return true;
      },
      60s));
  bait target;
  member_update ghost{"ghost",          1,  static_cast<uint8_t>(member_status::alive),
                      target.address(), {}, "evil"};
  send_claim(c.address(0), "evil", ghost);
  c.pump(8s); // 40 rounds: before, every node dialled it every few rounds
  // Node 0 tried it, with backoff (1 s, then doubling): 4 tries in 8 s at most.
  EXPECT_GE(target.accepted(), 1u);
  EXPECT_LE(target.accepted(), 4u);
  EXPECT_EQ(shown_address(c, 0, "ghost"), target.address());
  for (size_t i = 1; i < c.size(); ++i)
    EXPECT_NE(shown_address(c, i, "ghost"), target.address()) << c.name(i);
  std::printf("connections to the announced address in 8 s: %zu\n", target.accepted());
  for (size_t i = 0; i < c.size(); ++i)
    EXPECT_EQ(c.live_view(i).count(c.name(0)), 1u) << "node 0 stays a member";
}
