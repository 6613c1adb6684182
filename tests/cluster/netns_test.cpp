// Six nodes, each in its own network namespace with its own address, split
// 3/3 and healed. Needs root and iproute2; skipped otherwise.
#include <gtest/gtest.h>

#include <unistd.h>

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
  netns::lan lan{"t" + std::to_string(::getpid() % 100000), 6};
  lan.create();
  cluster_spec s;
  s.nodes = 6;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = {"--interval=200ms"};
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
