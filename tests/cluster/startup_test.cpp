// What gossip-node and gossip-ctl check before they touch the network: TLS
// files that do not fit together stop a node before it listens; a node off
// loopback needs TLS or --insecure; gossip-ctl's --timeout bounds connecting;
// `put KEY -` reads the value from standard input. Traffic goes to 127.0.0.1
// only.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "helpers.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> tls_args(const std::string& cert, const std::string& key,
                                  const std::string& ca) {
  return {"--tls", "--tls-cert=" + cert, "--tls-key=" + key, "--tls-ca=" + ca};
}

using test::expect_refused;

} // namespace

TEST(Startup, TlsFilesThatDoNotFitStopTheNodeBeforeItListens) {
  test::scratch_dir a, b;
  ASSERT_TRUE(test::make_cluster_pki(a.path, 2));
  ASSERT_TRUE(test::make_cluster_pki(b.path, 1));
  // The key of another certificate.
  expect_refused(tls_args(a / "n1.pem", a / "n2.key", a / "ca.pem"), "does not match");
  // A certificate another CA signed.
  expect_refused(tls_args(b / "n1.pem", b / "n1.key", a / "ca.pem"), "is not signed by");
  // Not a key, not a certificate, unreadable.
  expect_refused(tls_args(a / "n1.pem", a / "n1.pem", a / "ca.pem"),
                 "no PEM private key");
  expect_refused(tls_args(a / "n1.key", a / "n1.key", a / "ca.pem"),
                 "no PEM certificate");
  expect_refused(tls_args(a / "n1.pem", a / "missing.key", a / "ca.pem"),
                 "cannot read --tls-key");
  // And the same files that fit start it.
  auto argv = std::vector<std::string>{test::bin("gossip-node"), "--events=json"};
  auto good = tls_args(a / "n1.pem", a / "n1.key", a / "ca.pem");
  argv.insert(argv.end(), good.begin(), good.end());
  child node{argv};
  std::vector<std::string> lines;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (lines.empty() && node.read_lines(lines) &&
         std::chrono::steady_clock::now() < deadline)
    wait_readable({node.out_fd()}, 50ms);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("\"listening\""), std::string::npos) << lines[0];
  node.stop();
}

TEST(Startup, InsecureLetsANodeListenOnAllInterfacesAndWarnsOnce) {
  // Without --insecure this is refused (tests/apps: node_public_host_without_tls).
  // With it the node starts; it gets no seeds, so it sends nothing anywhere,
  // and it is killed by PID as soon as it listens. A wildcard reaches nobody:
  // members are told --advertise (without it: tests/apps,
  // node_wildcard_without_advertise).
  test::scratch_dir tmp;
  child node{{test::bin("gossip-node"), "--host=0.0.0.0", "--port=0", "--insecure",
              "--advertise=127.0.0.1", "--events=json"},
             tmp / "stderr"};
  std::vector<std::string> lines;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (lines.empty() && node.read_lines(lines) &&
         std::chrono::steady_clock::now() < deadline)
    wait_readable({node.out_fd()}, 50ms);
  node.kill();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("\"address\":\"127.0.0.1:"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"bound\":\"0.0.0.0:"), std::string::npos) << lines[0];
  auto err = test::slurp(tmp / "stderr");
  EXPECT_NE(err.find("warning: --insecure"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(Startup, CtlTimeoutCoversConnectingToANodeThatNeverAnswers) {
  // A listener that accepts TCP connections (the kernel does, from its
  // backlog) and never says a word.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto node = "--node=127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  // Before, gossip-ctl waited for as long as the listener stayed (minutes).
  // The limit here is generous: what matters is that it ends on its own.
  auto r = test::run({test::bin("gossip-ctl"), node, "--timeout=1s", "members"}, 20s);
  EXPECT_TRUE(r.in_time) << "gossip-ctl still waiting after 20 s";
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("no answer"), std::string::npos) << r.err;
  EXPECT_GE(r.took, 1000ms);
  ::close(fd);
}

TEST(Startup, PutReadsTheValueFromStandardInput) {
  cluster_spec s;
  s.nodes = 1;
  s.bin_dir = GOSSIP_BIN_DIR;
  process_cluster c{s};
  c.start_all();
  test::scratch_dir tmp;
  // 200 KiB, more than one argument may carry (128 KiB), lines included.
  std::mt19937 rng{7};
  std::string value;
  while (value.size() < 200 * 1024)
    value += (rng() % 64 == 0) ? '\n' : static_cast<char>('!' + rng() % 94);
  value.back() = 'x';
  {
    std::ofstream f{tmp / "value", std::ios::binary};
    f << value;
  }
  std::string out;
  ASSERT_EQ(c.ctl(0, {"put", "big", "-"}, &out, tmp / "value"), 0) << out;
  std::string got;
  ASSERT_EQ(c.ctl(0, {"get", "big"}, &got), 0);
  EXPECT_EQ(got.size(), value.size() + 1);
  EXPECT_TRUE(got == value + "\n") << "the value came back changed";
  // One byte over the node's limit is bad input, refused before connecting.
  {
    std::ofstream f{tmp / "huge", std::ios::binary};
    f << std::string((1 << 20) + 1, 'x');
  }
  EXPECT_EQ(c.ctl(0, {"put", "huge", "-"}, &out, tmp / "huge"), 2);
  // So is an empty key.
  auto empty =
      test::run({test::bin("gossip-ctl"), "--node=" + c.address(0), "put", "", "v"});
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("a key has 1 to 1024 bytes, got 0"), std::string::npos)
      << empty.err;
  c.stop_all();
}

// Bytes that are not UTF-8 in a key and a value, end to end: the node's
// --events=json stream and gossip-ctl --format=json stay strict UTF-8 (they
// parse with nlohmann-json) and carry the bytes as base64, whole.
TEST(Startup, JsonOutputKeepsBytesThatAreNotUtf8) {
  cluster_spec s;
  s.nodes = 2;
  s.bin_dir = GOSSIP_BIN_DIR;
  process_cluster c{s};
  c.start_all();
  const std::string key = "k\x80\xff";
  const std::string value = "\xff\xfe v";
  ASSERT_EQ(c.ctl(0, {"put", key, value}), 0);
  // Node 2 reports the write through its JSON events, which the cluster
  // parses back (event_from_json decodes key_base64 and value_base64).
  auto stored = [&] {
    for (auto& ev : c.events(1))
      if (ev.kind == event_kind::stored && ev.key == key && ev.value == value)
        return true;
    return false;
  };
  EXPECT_TRUE(c.wait_until(stored, 20s)) << "node 2 never reported the write whole";
  std::string out;
  ASSERT_EQ(c.ctl(1, {"get", key, "--format=json"}, &out), 0);
  ASSERT_TRUE(nlohmann::json::accept(out)) << out;
  auto got = nlohmann::json::parse(out);
  EXPECT_EQ(got.value("value_base64", ""), "//4gdg==") << out;
  EXPECT_FALSE(got.contains("value")) << out;
  out.clear(); // ctl appends
  ASSERT_EQ(c.ctl(1, {"dump", "--format=json"}, &out), 0);
  ASSERT_TRUE(nlohmann::json::accept(out)) << out;
  auto entry = nlohmann::json::parse(out);
  EXPECT_EQ(entry.value("key_base64", ""), "a4D/") << out;
  EXPECT_EQ(entry.value("value_base64", ""), "//4gdg==") << out;
  EXPECT_EQ(entry.value("origin", ""), "n1") << out;
  c.stop_all();
}
