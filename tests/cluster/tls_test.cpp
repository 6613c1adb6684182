// Three nodes talking TLS (CAF's OpenSSL module) with certificates from a
// throwaway CA made by the openssl command; a client without TLS is refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "hostile.hpp"
#include "netns.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

// A CA and one certificate signed by it, in a fresh directory; "" on failure.
std::string make_pki() {
  char tmpl[] = "/tmp/gossip-tls-XXXXXX";
  if (!::mkdtemp(tmpl))
    return {};
  std::string dir = tmpl;
  auto openssl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    return netns::run(args) == 0;
  };
  bool ok = openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                     dir + "/ca.key", "-out", dir + "/ca.pem", "-days", "2", "-subj",
                     "/CN=gossip-test-ca"}) &&
            openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/node.key",
                     "-out", dir + "/node.csr", "-subj", "/CN=127.0.0.1"}) &&
            openssl({"x509", "-req", "-in", dir + "/node.csr", "-CA", dir + "/ca.pem",
                     "-CAkey", dir + "/ca.key", "-CAcreateserial", "-out",
                     dir + "/node.pem", "-days", "2"});
  return ok ? dir : std::string{};
}

} // namespace

TEST(Tls, NodesGossipOverTlsAndRefusePlainClients) {
  if (netns::run({"openssl", "version"}) != 0)
    GTEST_SKIP() << "needs the openssl command";
  auto dir = make_pki();
  ASSERT_FALSE(dir.empty()) << "could not make certificates";
  std::vector<std::string> tls{"--tls", "--tls-cert=" + dir + "/node.pem",
                               "--tls-key=" + dir + "/node.key",
                               "--tls-ca=" + dir + "/ca.pem"};
  cluster_spec s;
  s.nodes = 3;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = tls;
  s.node_args.push_back("--interval=200ms");
  s.ctl_args = tls;
  process_cluster c{s};
  c.start_all();
  auto all_three = [&] {
    for (size_t i = 0; i < 3; ++i)
      if (c.live_view(i).size() != 3)
        return false;
    return true;
  };
  ASSERT_TRUE(c.wait_until(all_three, 60s));
  ASSERT_EQ(c.ctl(0, {"put", "secret", "42"}), 0);
  EXPECT_TRUE(c.wait_until(
      [&] {
        std::string out;
        return c.ctl(2, {"get", "secret"}, &out) == 0 && out == "42\n";
      },
      30s));
  // The same request without TLS does not get through.
  child plain{{std::string{GOSSIP_BIN_DIR} + "/gossip-ctl", "--node=" + c.address(2),
               "get", "secret"}};
  std::vector<std::string> lines;
  while (plain.read_lines(lines))
    wait_readable({plain.out_fd()}, 100ms);
  auto status = plain.stop(20s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_TRUE(lines.empty()) << "no value without TLS";
  c.stop_all();
  netns::run({"rm", "-rf", dir});
}

// A TLS port has the guard in front (raw pass-through): idle and half-sent
// connections are closed, and handshakes that fail (a plaintext BASP header,
// clients without a certificate) cost the healthy connections nothing. (CAF
// 0.17 alone closed them: it leaves OpenSSL's error queue filled.)
TEST(Tls, HostileClientsLeaveHealthyConnectionsAlone) {
  if (netns::run({"openssl", "version"}) != 0)
    GTEST_SKIP() << "needs the openssl command";
  auto dir = make_pki();
  ASSERT_FALSE(dir.empty()) << "could not make certificates";
  std::vector<std::string> tls{"--tls", "--tls-cert=" + dir + "/node.pem",
                               "--tls-key=" + dir + "/node.key",
                               "--tls-ca=" + dir + "/ca.pem"};
  cluster_spec s;
  s.nodes = 3;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = tls;
  s.node_args.push_back("--interval=200ms");
  s.ctl_args = tls;
  process_cluster c{s};
  c.start_all();
  auto all_three = [&] {
    for (size_t i = 0; i < 3; ++i)
      if (c.live_view(i).size() != 3)
        return false;
    return true;
  };
  ASSERT_TRUE(c.wait_until(all_three, 60s));
  auto port =
      static_cast<uint16_t>(std::stoi(c.address(0).substr(c.address(0).rfind(':') + 1)));
  std::vector<int> fds{hostile::connect_loopback(port)}; // idle
  uint8_t partial_hello[] = {22, 3, 1, 2, 0};
  fds.push_back(hostile::connect_loopback(port));
  hostile::send_all(fds.back(), partial_hello, sizeof(partial_hello));
  auto basp = hostile::basp_header(1, 0xFFFFFFFFu);
  fds.push_back(hostile::connect_loopback(port));
  hostile::send_all(fds.back(), basp.data(), basp.size());
  for (int fd : fds) {
    EXPECT_TRUE(hostile::wait_closed(fd, 60s));
    ::close(fd);
  }
  for (int i = 0; i < 5; ++i) // a full ClientHello, no certificate
    netns::run({"sh", "-c",
                "timeout 20 openssl s_client -connect " + c.address(0) + " </dev/null"},
               true);
  c.pump(5s); // more than a suspicion takes at 200 ms rounds
  for (size_t i = 0; i < 3; ++i)
    for (auto& ev : c.events(i))
      EXPECT_TRUE(ev.kind != gossip::event_kind::member_suspect &&
                  ev.kind != gossip::event_kind::member_down)
          << c.name(i) << ": " << to_string(ev.kind) << " " << ev.peer;
  ASSERT_EQ(c.ctl(0, {"put", "after", "attack"}), 0);
  EXPECT_TRUE(c.wait_until(
      [&] {
        std::string out;
        return c.ctl(2, {"get", "after"}, &out) == 0 && out == "attack\n";
      },
      30s));
  c.stop_all();
  netns::run({"rm", "-rf", dir});
}
