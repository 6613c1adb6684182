// Six nodes, each in its own network namespace with its own address, split
// 3/3 and healed; off loopback, so they talk TLS (certificates from
// `gossip-ctl certs`). Needs root and iproute2; skipped otherwise.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "helpers.hpp"
#include "netns.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

bool side_sees_other_down(process_cluster& c, const std::vector<size_t>& side,
                          const std::vector<size_t>& other) {
  for (auto i : side)
    for (auto j : other)
      if (c.last_member_event(i, c.name(j)) != event_kind::member_down)
        return false;
  return true;
}

bool has_value(process_cluster& c, size_t i, const std::string& key,
               const std::string& value) {
  std::string out;
  return c.ctl(i, {"get", key}, &out) == 0 && out == value + "\n";
}

} // namespace

TEST(Netns, PartitionedClusterMergesAfterHeal) {
  if (!netns::available())
    GTEST_SKIP() << "needs root and iproute2";
  test::scratch_dir pki;
  ASSERT_TRUE(test::make_cluster_pki(pki.path, 6));
  netns::lan lan{"t" + std::to_string(::getpid() % 100000), 6};
  lan.create();
  cluster_spec s;
  s.nodes = 6;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = {"--interval=200ms"};
  s.tls_dir = pki.path;
  s.lan = &lan;
  process_cluster c{s};
  c.start_all();
  auto all_six = [&] {
    for (size_t i = 0; i < 6; ++i)
      if (c.live_view(i).size() != 6)
        return false;
    return true;
  };
  ASSERT_TRUE(c.wait_until(all_six, 60s));
  std::vector<size_t> left{0, 1, 2}, right{3, 4, 5};
  lan.partition({left, right});
  ASSERT_TRUE(c.wait_until(
      [&] {
        return side_sees_other_down(c, left, right) &&
               side_sees_other_down(c, right, left);
      },
      90s))
      << "each side should mark the other down";
  ASSERT_EQ(c.ctl(0, {"put", "left-key", "from-left"}), 0);
  ASSERT_EQ(c.ctl(3, {"put", "right-key", "from-right"}), 0);
  c.pump(1s);
  lan.heal();
  ASSERT_TRUE(c.wait_until(all_six, 120s)) << "the halves did not merge";
  auto keys_everywhere = [&] {
    for (size_t i = 0; i < 6; ++i)
      if (!has_value(c, i, "left-key", "from-left") ||
          !has_value(c, i, "right-key", "from-right"))
        return false;
    return true;
  };
  EXPECT_TRUE(c.wait_until(keys_everywhere, 60s));
  c.stop_all();
}

TEST(Netns, GossipClusterTalksTlsByDefaultAndRemovesItsCertificates) {
  if (!netns::available())
    GTEST_SKIP() << "needs root and iproute2";
  // gossip-cluster makes its throwaway CA in $TMPDIR: here, a directory of
  // this test's own, empty again afterwards.
  test::scratch_dir tmp;
  ::setenv("TMPDIR", tmp.path.c_str(), 1);
  auto r = test::run({test::bin("gossip-cluster"), "up", "--netns", "--nodes=3",
                      "--id=c" + std::to_string(::getpid() % 100000), "--interval=200ms",
                      "--duration=6s"},
                     90s);
  ::unsetenv("TMPDIR");
  EXPECT_EQ(r.code, 0) << r.err;
  auto has = [&](const std::string& text) {
    return std::any_of(r.out.begin(), r.out.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("TLS with a throwaway CA"));
  // Each node saw both others come up: TLS connections between namespaces.
  for (auto n : {"n1", "n2", "n3"})
    EXPECT_GE(std::count_if(r.out.begin(), r.out.end(),
                            [&](const std::string& line) {
                              return line.find(std::string{"] "} + n + " member_up ") !=
                                     std::string::npos;
                            }),
              2)
        << n;
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path)) << "certificates left behind";
}
