// wire_size (wire_size.hpp) against CAF's own count, for every message type
// of every protocol in the registry: gossip-sim's bytes_per_node rests on it.
#include <caf/detail/serialized_size.hpp>

#include <gtest/gtest.h>

#include "gossip/registry.hpp"

namespace gossip {
namespace {

size_t cafs_count(const caf::message& m) {
  caf::detail::serialized_size_inspector f;
  m.cvals()->save(0, f);
  return f.result();
}

TEST(WireSize, CountsWhatCafCountsForEveryProtocolMessage) {
  size_t types = 0;
  for (auto& info : all_protocols()) {
    EXPECT_FALSE(info.sizers.empty()) << info.name;
    for (auto& s : info.sizers) {
      ++types;
      for (uint64_t seed = 1; seed <= 200; ++seed) {
        auto m = s.example(seed);
        ASSERT_EQ(m.size(), 1u);
        ASSERT_EQ(s.size(m.at(0)), cafs_count(m))
            << info.name << ", " << s.type->name() << ", seed " << seed;
      }
    }
  }
  EXPECT_GT(types, 20u);
}

TEST(WireSize, VarbyteLengthsStepAtSevenBits) {
  EXPECT_EQ(varbyte_size(0), 1u);
  EXPECT_EQ(varbyte_size(127), 1u);
  EXPECT_EQ(varbyte_size(128), 2u);
  EXPECT_EQ(varbyte_size(16383), 2u);
  EXPECT_EQ(varbyte_size(16384), 3u);
  EXPECT_EQ(wire_size(std::string(300, 'a')), 302u);
  EXPECT_EQ(wire_size(std::vector<uint32_t>{1, 2, 3}), 13u);
}

TEST(WireSize, FindsASizerByTypeAndNoneForOthers) {
  auto& first = all_protocols().front().sizers.front();
  EXPECT_EQ(find_sizer(*first.type), &first);
  EXPECT_EQ(find_sizer(typeid(std::string)), nullptr);
}

} // namespace
} // namespace gossip
