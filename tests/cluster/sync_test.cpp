// Stores of any size, with real processes on 127.0.0.1: a joining node gets
// a store of 150,000 keys (far more than one message may carry: the answers
// are paged), a store quota refuses a put with a clear error and loses
// nothing, and writes made while a node was cut off spread once it is back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "preload.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

cluster_spec sync_spec(size_t n, const std::string& data_root = {}) {
  auto s = test::spec(n);
  s.data_root = data_root;
  return s;
}

// Node i's counters (gossip-ctl stats --format=json); null when unreachable.
nlohmann::json stats(process_cluster& c, size_t i) {
  std::string out;
  if (c.ctl(i, {"--format=json", "stats"}, &out) != 0)
    return nullptr;
  return nlohmann::json::parse(out, nullptr, false);
}

uint64_t store_keys(process_cluster& c, size_t i) {
  auto j = stats(c, i);
  return j.is_object() ? j.value("store_keys", uint64_t{0}) : 0;
}

// Polls `done` every 300 ms (draining the nodes' events meanwhile).
bool poll(process_cluster& c, const std::function<bool()>& done,
          std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    c.pump(300ms);
  }
  return done();
}

std::string get(process_cluster& c, size_t i, const std::string& key) {
  std::string out;
  return c.ctl(i, {"get", key}, &out) == 0 ? out : "<absent>";
}

} // namespace

TEST(Sync, AJoiningNodeGetsAStoreOf150000Keys) {
  const size_t keys = 150000;
  test::scratch_dir data;
  test::preload(data / "n1", "n1", keys);
  process_cluster c{sync_spec(2, data.path)};
  c.start(0);
  ASSERT_EQ(store_keys(c, 0), keys);
  c.start(1);
  ASSERT_TRUE(poll(
      c, [&] { return store_keys(c, 1) == keys; }, 180s))
      << "n2 holds " << store_keys(c, 1) << " of " << keys << " keys";
  auto a = stats(c, 0), b = stats(c, 1);
  EXPECT_EQ(a["store_bytes"], b["store_bytes"]);
  for (size_t i : {size_t{0}, size_t{1}, keys / 3, keys / 2, keys - 1}) {
    auto key = test::preload_key(i);
    EXPECT_EQ(get(c, 1, key), get(c, 0, key)) << key;
  }
  // Every answer was a page: none as large as the store.
  auto sent = a["by_type"]["gossip::push_pull_response"];
  ASSERT_TRUE(sent.is_object());
  EXPECT_GT(sent["sent_msgs"].get<uint64_t>(), 100u);
  EXPECT_LT(sent["sent_bytes"].get<uint64_t>() / sent["sent_msgs"].get<uint64_t>(),
            uint64_t{1} << 17);
  c.stop_all();
}

TEST(Quota, APutPastTheQuotaIsRefusedWithAClearErrorAndNothingIsLost) {
  process_cluster c{sync_spec(2)};
  c.launch(0, 0, {"--max-keys=4"});
  ASSERT_TRUE(c.wait_listening(0, 20s));
  c.launch(1, 0, {"--max-keys=3"});
  ASSERT_TRUE(c.wait_listening(1, 20s));
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 2); }, 60s));
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(c.ctl(0, {"put", "k" + std::to_string(i), "v"}), 0);
  std::string out;
  EXPECT_EQ(c.ctl(0, {"put", "k4", "v"}, &out), 3);
  EXPECT_EQ(get(c, 0, "k4"), "<absent>");
  EXPECT_EQ(c.ctl(0, {"put", "k0", "overwritten"}), 0); // no new key: allowed
  EXPECT_EQ(get(c, 0, "k0"), "overwritten\n");
  // n2 takes three of n1's four keys, drops and counts the fourth, and
  // keeps working; n1 still holds all four.
  ASSERT_TRUE(poll(
      c,
      [&] {
        auto j = stats(c, 1);
        return j.is_object() && j["store_keys"] == 3 &&
               j["total"]["rejected_items"].get<uint64_t>() > 0;
      },
      30s));
  EXPECT_EQ(store_keys(c, 0), 4u);
  EXPECT_NE(c.ctl(1, {"put", "new", "v"}), 0);
  c.stop_all();
}

TEST(Quota, AFullStoreRefusesAPutWithTheReason) {
  process_cluster c{sync_spec(1)};
  c.launch(0, 0, {"--max-keys=1"});
  ASSERT_TRUE(c.wait_listening(0, 20s));
  ASSERT_EQ(c.ctl(0, {"put", "a", "1"}), 0);
  auto r =
      test::run({test::bin("gossip-ctl"), "--node=" + c.address(0), "put", "b", "2"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("store quota: 1 keys held, at most 1"), std::string::npos)
      << r.err;
  c.stop_all();
}

// A node cut off (all its sends lost) takes a write; once its sends go out
// again, the others hold it within a few rounds of being heard, even though
// far more than push-pull's 3 "hot" rounds passed meanwhile.
TEST(Sync, AWriteMadeWhileCutOffSpreadsAfterTheNodeIsBack) {
  process_cluster c{sync_spec(3)};
  for (size_t i = 0; i < 3; ++i) {
    c.launch(i, 0, {"--fault-injection"});
    ASSERT_TRUE(c.wait_listening(i, 20s));
  }
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 3); }, 60s));
  ASSERT_EQ(c.ctl(2, {"faults", "1", "0"}), 0);
  ASSERT_TRUE(c.wait_until([&] { return c.live_view(2).size() == 1; }, 60s))
      << "n3 did not notice it was cut off";
  ASSERT_EQ(c.ctl(2, {"put", "apart", "written alone"}), 0);
  c.pump(3s); // 15 rounds: long cold for push-pull's 3 hot rounds
  EXPECT_EQ(get(c, 0, "apart"), "<absent>");
  ASSERT_EQ(c.ctl(2, {"faults", "0", "0"}), 0);
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 3); }, 60s));
  auto seen = process_cluster::now_ms();
  auto stored_at = [&](size_t i) -> int64_t {
    for (auto& ev : c.events(i))
      if (ev.kind == event_kind::stored && ev.key == "apart")
        return ev.time_ms;
    return 0;
  };
  ASSERT_TRUE(c.wait_until([&] { return stored_at(0) > 0 && stored_at(1) > 0; }, 30s));
  std::cout << "spread to n1 " << stored_at(0) - seen << " ms, to n2 "
            << stored_at(1) - seen << " ms after all saw all again\n";
  c.stop_all();
}
