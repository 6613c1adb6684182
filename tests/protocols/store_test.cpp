#include <gtest/gtest.h>

#include <limits>

#include <random>

#include "gossip/store.hpp"

using namespace gossip;

namespace {

// A random replica: writes and deletes from a few origins over a few keys,
// with colliding versions on purpose.
store random_store(std::mt19937_64& rng) {
  store s;
  std::uniform_int_distribution<int> key{0, 5}, origin{0, 3}, version{1, 6}, kind{0, 4};
  for (int i = 0; i < 8; ++i) {
    entry e;
    e.version = version(rng);
    e.origin = "n" + std::to_string(origin(rng));
    e.tombstone = kind(rng) == 0;
    if (!e.tombstone)
      e.value = "v" + std::to_string(kind(rng));
    s.merge("k" + std::to_string(key(rng)), e);
  }
  return s;
}

store merged(store a, const store& b) {
  a.merge(b);
  return a;
}

} // namespace

TEST(Store, MergeIsCommutativeAssociativeIdempotent) {
  std::mt19937_64 rng{42};
  for (int trial = 0; trial < 500; ++trial) {
    auto a = random_store(rng), b = random_store(rng), c = random_store(rng);
    EXPECT_EQ(merged(a, b), merged(b, a));
    EXPECT_EQ(merged(merged(a, b), c), merged(a, merged(b, c)));
    EXPECT_EQ(merged(a, a), a);
    auto ab = merged(a, b);
    EXPECT_EQ(ab.merge(b), 0u) << "merging what is already in changes nothing";
  }
}

TEST(Store, NewestVersionWins) {
  store a, b;
  a.put("k", "old", "a");
  b.merge("k", *a.find("k"));
  b.put("k", "new", "b"); // b's clock is past a's write
  a.merge("k", *b.find("k"));
  ASSERT_NE(a.get("k"), nullptr);
  EXPECT_EQ(*a.get("k"), "new");
  EXPECT_FALSE(b.merge("k", entry{"older", 1, "a", false, 0}));
  EXPECT_EQ(*b.get("k"), "new");
}

TEST(Store, LocalWritesNumberedAboveEverythingSeen) {
  store s;
  s.merge("x", entry{"v", 41, "other", false, 0});
  EXPECT_EQ(s.put("y", "w", "me").version, 42u);
  EXPECT_EQ(s.put("y", "z", "me").version, 43u);
}

TEST(Store, TombstoneBeatsOlderWrites) {
  store a;
  a.put("k", "v", "a");
  auto before = *a.find("k");
  ASSERT_TRUE(a.erase("k", "a"));
  EXPECT_EQ(a.get("k"), nullptr);
  ASSERT_NE(a.find("k"), nullptr);
  EXPECT_TRUE(a.find("k")->tombstone);
  EXPECT_FALSE(a.merge("k", before)) << "an older write must not resurrect the key";
  EXPECT_EQ(a.get("k"), nullptr);
  EXPECT_FALSE(a.erase("k", "a")) << "deleting twice writes nothing";
}

TEST(Store, NewerThanSendsOnlyWhatTheOtherLacks) {
  store a, b;
  a.put("both", "1", "a");
  b.merge("both", *a.find("both"));
  a.put("only-a", "2", "a");
  a.put("both", "3", "a");
  auto delta = a.newer_than(b.digest());
  ASSERT_EQ(delta.size(), 2u);
  for (auto& x : delta)
    b.merge(x.key, x.e);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a.newer_than(b.digest()).empty());
}

TEST(Store, GarbageCollectsOnlyOldTombstones) {
  store s;
  s.put("live", "v", "a", 0);
  s.put("dead", "v", "a", 0);
  s.erase("dead", "a", 100);
  EXPECT_EQ(s.collect_garbage(150, 100), 0u) << "grace period not over";
  EXPECT_EQ(s.collect_garbage(200, 100), 1u);
  EXPECT_EQ(s.find("dead"), nullptr);
  EXPECT_NE(s.get("live"), nullptr);
}

TEST(Store, TracksWhatChangedOnlyWhenAsked) {
  store s;
  s.put("before", "v", "a");
  EXPECT_FALSE(s.has_changes()) << "off by default";
  s.track_changes();
  s.put("p", "v", "a");
  s.merge("m", entry{"v", 10, "b", false, 0});
  s.merge("m", entry{"older", 9, "b", false, 0}); // loses: no change
  s.erase("e-missing", "a");                      // nothing to delete
  s.put("gone", "v", "a", 0);
  EXPECT_EQ(s.take_changes(), (std::set<std::string>{"gone", "m", "p"}));
  EXPECT_FALSE(s.has_changes());
  s.erase("gone", "a", 0);
  s.erase("p", "a", 100);
  EXPECT_EQ(s.take_changes(), (std::set<std::string>{"gone", "p"}));
  s.forget("gone");
  EXPECT_EQ(s.collect_garbage(200, 100), 1u);
  EXPECT_EQ(s.take_changes(), (std::set<std::string>{"gone", "p"}));
  s.advance_clock(50);
  EXPECT_EQ(s.put("p", "v", "a").version, 51u);
  s.advance_clock(store::max_clock + 5);
  EXPECT_EQ(s.clock(), store::max_clock);
}

#include "gossip/anti_entropy.hpp"

TEST(Store, RemoteVersionsMoveTheClockOneBurstAtOnceThenAtTheRate) {
  store s;
  constexpr uint64_t burst = 1000, rate = 10;
  EXPECT_EQ(s.remote_ceiling(5, burst, rate), burst); // full at first
  s.merge("k", entry{"a", burst, "x", false, 0});
  // The burst is spent; 3 ms later 30 more, never more than a burst ahead.
  EXPECT_EQ(s.remote_ceiling(5, burst, rate), burst);
  EXPECT_EQ(s.remote_ceiling(8, burst, rate), burst + 30);
  EXPECT_EQ(s.remote_ceiling(1000000, burst, rate), 2 * burst);
  // Local writes are not limited, and the ceiling moves along with them.
  for (int i = 0; i < 2000; ++i)
    s.put("k", "b", "me", 1000000);
  EXPECT_EQ(s.remote_ceiling(1000000, burst, rate), 3 * burst);
  EXPECT_EQ(s.remote_ceiling(1000001, burst, rate), 3 * burst + 10);
  EXPECT_EQ(s.remote_ceiling(2000000, burst, rate), s.clock() + burst);
}

TEST(Store, TheRemoteCeilingSaturatesAtTheEndOfTheClock) {
  store s;
  s.remote_ceiling(0, store::max_clock, store::max_clock);
  EXPECT_EQ(s.remote_ceiling(std::numeric_limits<int64_t>::max(), store::max_clock,
                             store::max_clock),
            store::max_clock);
}

TEST(AntiEntropy, SelectDeltasIsFairOrderedAndWithinBudget) {
  store s;
  for (int i = 0; i < 30; ++i)
    for (auto origin : {"a", "b", "c"})
      s.merge(
          std::string(origin) + std::to_string(i),
          entry{std::string(50, 'x'), static_cast<uint64_t>(i + 1), origin, false, 0});
  std::vector<origin_version> wanted{{"a", 0}, {"b", 10}, {"c", 0}};
  auto deltas = select_deltas(s, wanted, 600, 0);
  size_t bytes = 0;
  std::map<std::string, std::vector<uint64_t>> per_origin;
  for (auto& d : deltas) {
    bytes += delta_bytes(d);
    per_origin[d.e.origin].push_back(d.e.version);
  }
  EXPECT_LE(bytes, 600u);
  EXPECT_GE(deltas.size(), 6u);
  // Fair: every origin got its turn; ordered: each a prefix above the request.
  ASSERT_EQ(per_origin.size(), 3u);
  EXPECT_EQ(per_origin["a"].front(), 1u);
  EXPECT_EQ(per_origin["b"].front(), 11u);
  for (auto& [o, vs] : per_origin) {
    EXPECT_TRUE(std::is_sorted(vs.begin(), vs.end())) << o;
    for (size_t i = 1; i < vs.size(); ++i)
      EXPECT_EQ(vs[i], vs[i - 1] + 1) << "contiguous prefix for " << o;
    EXPECT_LE(std::max(per_origin["a"].size(), per_origin["c"].size()) -
                  std::min(per_origin["a"].size(), per_origin["c"].size()),
              1u);
  }
  // A single entry larger than the budget still goes, alone.
  EXPECT_EQ(select_deltas(s, wanted, 10, 0).size(), 1u);
}
