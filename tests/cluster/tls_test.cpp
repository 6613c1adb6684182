// Certificates from `gossip-ctl certs` (a CA, node and client certificates),
// three nodes talking TLS with them, a put from a client certificate, and what
// is refused: overwriting, a plain client, a client certificate running a node.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>

#include "hostile.hpp"
#include "netns.hpp"
#include "helpers.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

mode_t mode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

} // namespace

TEST(Tls, CertsCommandMakesACaNodeAndClientCertificates) {
  test::scratch_dir tmp;
  auto dir = tmp / "pki"; // made by init
  ASSERT_EQ(test::certs(dir, {"init"}), 0);
  ASSERT_EQ(test::certs(dir, {"node", "n1"}), 0);
  ASSERT_EQ(test::certs(dir, {"client", "alice"}), 0);
  EXPECT_EQ(mode_of(dir + "/ca.key"), 0600u);
  EXPECT_EQ(mode_of(dir + "/n1.key"), 0600u);
  EXPECT_EQ(mode_of(dir + "/alice.key"), 0600u);
  for (auto f : {"ca.pem", "n1.pem", "alice.pem"})
    EXPECT_NE(test::slurp(dir + "/" + f).find("-----BEGIN CERTIFICATE-----"),
              std::string::npos)
        << f;
  // Nothing is overwritten: a second init or the same name again is bad input.
  auto ca = test::slurp(dir + "/ca.pem");
  auto again = test::run({test::bin("gossip-ctl"), "certs", "init", "--dir=" + dir});
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(test::certs(dir, {"node", "n1"}), 2);
  EXPECT_EQ(test::certs(dir, {"client", "n1"}), 2);
  EXPECT_EQ(test::slurp(dir + "/ca.pem"), ca);
  // No CA in the directory.
  EXPECT_EQ(test::certs(tmp / "elsewhere", {"node", "n2"}), 2);
}

TEST(Tls, ThreeNodesWithGeneratedCertificatesTakeAPutFromAClient) {
  test::scratch_dir tmp;
  ASSERT_TRUE(test::make_cluster_pki(tmp.path, 3)) << "gossip-ctl certs failed";
  cluster_spec s;
  s.nodes = 3;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = {"--interval=200ms"};
  s.tls_dir = tmp.path; // nodes n1..n3 with their own certificates, gossip-ctl as "ctl"
  process_cluster c{s};
  c.start_all();
  auto all_three = [&] {
    for (size_t i = 0; i < 3; ++i)
      if (c.live_view(i).size() != 3)
        return false;
    return true;
  };
  ASSERT_TRUE(c.wait_until(all_three, 60s));
  std::string out;
  ASSERT_EQ(c.ctl(0, {"put", "secret", "42"}, &out), 0) << out;
  EXPECT_TRUE(c.wait_until(
      [&] {
        std::string value;
        return c.ctl(2, {"get", "secret"}, &value) == 0 && value == "42\n";
      },
      30s));
  // The same request without TLS does not get through.
  auto plain = test::run(
      {test::bin("gossip-ctl"), "--node=" + c.address(2), "get", "secret"}, 30s);
  EXPECT_EQ(plain.code, 3) << plain.err;
  EXPECT_TRUE(plain.out.empty()) << "no value without TLS";
  // Nor with a certificate from another CA.
  test::scratch_dir other;
  ASSERT_TRUE(test::make_cluster_pki(other.path, 0));
  auto stranger =
      test::run({test::bin("gossip-ctl"), "--node=" + c.address(2), "--tls",
                 "--tls-cert=" + other / "ctl.pem", "--tls-key=" + other / "ctl.key",
                 "--tls-ca=" + other / "ca.pem", "get", "secret"},
                30s);
  EXPECT_EQ(stranger.code, 3) << stranger.err;
  EXPECT_TRUE(stranger.out.empty());
  c.stop_all();
}

TEST(Tls, AClientCertificateCannotRunANode) {
  test::scratch_dir tmp;
  ASSERT_TRUE(test::make_cluster_pki(tmp.path, 0));
  auto r = test::run({test::bin("gossip-node"), "--tls", "--tls-cert=" + tmp / "ctl.pem",
                      "--tls-key=" + tmp / "ctl.key", "--tls-ca=" + tmp / "ca.pem"},
                     30s);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << "it must not listen";
  EXPECT_NE(r.err.find("cannot run a node"), std::string::npos) << r.err;
}

// A TLS port has the guard in front (raw pass-through): idle and half-sent
// connections are closed, and handshakes that fail (a plaintext BASP header,
// clients without a certificate) cost the healthy connections nothing. (CAF
// 0.17 alone closed them: it leaves OpenSSL's error queue filled.)
TEST(Tls, HostileClientsLeaveHealthyConnectionsAlone) {
  if (netns::run({"openssl", "version"}) != 0)
    GTEST_SKIP() << "needs the openssl command";
  test::scratch_dir tmp;
  ASSERT_TRUE(test::make_cluster_pki(tmp.path, 3)) << "gossip-ctl certs failed";
  cluster_spec s;
  s.nodes = 3;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = {"--interval=200ms"};
  s.tls_dir = tmp.path;
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
}
