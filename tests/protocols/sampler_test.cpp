#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "gossip/sampler.hpp"

using namespace gossip;

namespace {

std::vector<std::string> names(size_t n) {
  std::vector<std::string> xs;
  for (size_t i = 0; i < n; ++i)
    xs.push_back(std::to_string(i));
  return xs;
}

} // namespace

TEST(Sampler, UniformIsDistinctAndEvenWithFixedSeed) {
  for (size_t k : {1u, 3u, 15u}) { // small k: rejection path; large k: Fisher-Yates
    auto s = make_uniform_sampler();
    rng_type rng{7};
    auto view = names(20);
    std::map<std::string, int> hits;
    const int draws = 20000;
    for (int i = 0; i < draws; ++i) {
      auto xs = s->sample("me", view, k, rng);
      ASSERT_EQ(xs.size(), k);
      ASSERT_EQ(std::set<std::string>(xs.begin(), xs.end()).size(), k);
      for (auto& x : xs)
        ++hits[x];
    }
    // Chi-square against uniform, 19 degrees of freedom: 43.8 is p = 0.001.
    double expected = double(draws) * k / view.size(), chi2 = 0;
    for (auto& name : view)
      chi2 += (hits[name] - expected) * (hits[name] - expected) / expected;
    EXPECT_LT(chi2, 43.8) << "k=" << k;
  }
}

TEST(Sampler, SameSeedSameChoices) {
  auto a = make_uniform_sampler(), b = make_uniform_sampler();
  rng_type ra{99}, rb{99};
  auto view = names(50);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(a->sample("me", view, 3, ra), b->sample("me", view, 3, rb));
}

TEST(Sampler, RoundRobinVisitsEveryPeerOncePerPass) {
  auto s = make_round_robin_sampler();
  rng_type rng{1};
  auto view = names(10);
  for (int pass = 0; pass < 3; ++pass) {
    std::multiset<std::string> seen;
    for (int i = 0; i < 5; ++i)
      for (auto& x : s->sample("me", view, 2, rng))
        seen.insert(x);
    EXPECT_EQ(seen, std::multiset<std::string>(view.begin(), view.end()));
  }
}

TEST(Sampler, RingPicksSuccessorsInNaturalOrder) {
  auto s = make_ring_sampler();
  rng_type rng{1};
  std::vector<std::string> view{"0", "1", "2", "3", "10"}; // natural order, without "9"
  EXPECT_EQ(s->sample("9", view, 1, rng), std::vector<std::string>{"10"});
  EXPECT_EQ(s->sample("10", view, 2, rng), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(s->sample("2", view, 1, rng), std::vector<std::string>{"3"})
      << "self in view";
  EXPECT_EQ(s->sample("3", view, 9, rng).size(), 4u) << "never self";
}

TEST(Sampler, NeverMoreThanTheView) {
  rng_type rng{1};
  for (auto name : {"uniform", "round-robin", "ring"}) {
    auto s = make_sampler(name);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->sample("me", names(3), 10, rng).size(), 3u) << name;
    EXPECT_TRUE(s->sample("me", {}, 2, rng).empty()) << name;
  }
  EXPECT_FALSE(make_sampler("nope"));
}

TEST(Sampler, NaturalOrder) {
  EXPECT_TRUE(natural_less("node-2", "node-10"));
  EXPECT_FALSE(natural_less("node-10", "node-2"));
  EXPECT_TRUE(natural_less("a", "b"));
  EXPECT_TRUE(natural_less("a", "a1"));
  EXPECT_FALSE(natural_less("7", "7"));
}

TEST(Sampler, DerivedSeedsDiffer) {
  std::set<uint64_t> seeds;
  for (uint64_t i = 0; i < 1000; ++i)
    seeds.insert(derive_seed(1, i));
  EXPECT_EQ(seeds.size(), 1000u);
  EXPECT_EQ(derive_seed(5, 3), derive_seed(5, 3));
}

TEST(Sampler, NeverPicksSelfFromAViewThatHoldsIt) {
  rng_type rng{3};
  auto view = names(30);
  for (auto name : {"uniform", "round-robin", "ring"}) {
    auto s = make_sampler(name);
    for (size_t k : {1u, 5u, 29u, 40u}) {
      for (int i = 0; i < 50; ++i) {
        auto xs = s->sample("7", view, k, rng);
        EXPECT_EQ(std::count(xs.begin(), xs.end(), "7"), 0) << name;
        EXPECT_EQ(xs.size(), std::min<size_t>(k, 29)) << name;
      }
    }
  }
}

TEST(Sampler, ZoneKeepsTheConfiguredShareInZone) {
  // Zone = name mod 4; with local = 0.75 three picks in four stay in zone.
  auto zone_of = [](const std::string& p) { return std::to_string(std::stoi(p) % 4); };
  auto s = make_sampler("zone", zone_of, 0.75);
  ASSERT_TRUE(s);
  rng_type rng{5};
  auto view = names(40);
  int in_zone = 0, total = 0;
  for (int i = 0; i < 4000; ++i)
    for (auto& p : s->sample("6", view, 1, rng)) {
      in_zone += zone_of(p) == zone_of("6") ? 1 : 0;
      ++total;
    }
  EXPECT_NEAR(static_cast<double>(in_zone) / total, 0.75, 0.03);
}
