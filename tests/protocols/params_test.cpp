#include <gtest/gtest.h>

#include "gossip/params.hpp"
#include "gossip/registry.hpp"

using namespace gossip;

TEST(Params, TypedGettersAndClearErrors) {
  params ps{{"fanout", "3"}, {"p", "0.25"}, {"flag", ""}, {"bad", "x1"}};
  EXPECT_EQ(ps.get_uint("fanout", 1), 3u);
  EXPECT_EQ(ps.get_uint("absent", 7), 7u);
  EXPECT_DOUBLE_EQ(ps.get_double("p", 0), 0.25);
  EXPECT_TRUE(ps.get_bool("flag", false));
  try {
    ps.get_uint("bad", 0);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string{e.what()}.find("--bad"), std::string::npos);
  }
  EXPECT_THROW(params({{"n", "-1"}}).get_uint("n", 0), std::invalid_argument);
  EXPECT_THROW(params({{"p", "nan"}}).get_double("p", 0), std::invalid_argument);
  EXPECT_THROW(params({{"p", "inf"}}).get_double("p", 0), std::invalid_argument);
  EXPECT_THROW(params({{"b", "maybe"}}).get_bool("b", false), std::invalid_argument);
}

TEST(Params, ReportsUnusedKeys) {
  params ps{{"fanout", "2"}, {"fanuot", "3"}};
  make_protocol("push", ps);
  EXPECT_EQ(ps.unused(), std::set<std::string>{"fanuot"});
}

TEST(Registry, KnowsProtocolsByName) {
  for (auto& info : all_protocols()) {
    auto p = make_protocol(info.name, {});
    ASSERT_TRUE(p);
    EXPECT_STREQ(p->name(), info.name);
  }
  EXPECT_THROW(make_protocol("nope", {}), std::invalid_argument);
  EXPECT_THROW(make_protocol("push", {{"fanout", "0"}}), std::invalid_argument);
}

TEST(Params, ScopedKeysOverrideForOneProtocol) {
  params ps{{"fanout", "2"}, {"probabilistic.fanout", "5"}};
  EXPECT_EQ(ps.scoped("probabilistic").get_uint("fanout", 1), 5u);
  EXPECT_EQ(ps.scoped("push-pull").get_uint("fanout", 1), 2u);
  EXPECT_TRUE(ps.unused().empty()) << "reads through scoped views count";
  params typo{{"probabilistic.fanuot", "5"}};
  make_protocol("probabilistic", typo);
  EXPECT_EQ(typo.unused(), std::set<std::string>{"probabilistic.fanuot"});
}

TEST(Params, ListsDropEmptyItems) {
  params ps{{"seeds", "a:1,,b:2,"}};
  EXPECT_EQ(ps.get_list("seeds"), (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_TRUE(ps.get_list("absent").empty());
}
