// Write levels and convergence without a node: the counting (each member
// once, only members asked, only versions at least the write's), the levels'
// arithmetic, the view digest and the messages' checks.
#include <gtest/gtest.h>

#include "gossip/replicas.hpp"

using namespace gossip;

namespace {

const digest_item written{"k", 7, "n1"};

write_quorum quorum(uint32_t needed, std::vector<std::string> candidates) {
  auto live = static_cast<uint32_t>(candidates.size() + 1);
  return write_quorum{written, needed, live, std::move(candidates)};
}

} // namespace

TEST(WriteLevels, NeededMembersPerLevel) {
  EXPECT_EQ(needed_replicas(2, 8), 2u);
  EXPECT_EQ(needed_replicas(write_level::majority, 8), 5u);
  EXPECT_EQ(needed_replicas(write_level::majority, 7), 4u);
  EXPECT_EQ(needed_replicas(write_level::majority, 1), 1u);
  EXPECT_EQ(needed_replicas(write_level::all, 32), 32u);
  EXPECT_EQ(needed_replicas(9, 3), 9u); // more than live: cannot be met
}

TEST(WriteLevels, ParsedStrictly) {
  EXPECT_EQ(parse_replicas("3"), 3u);
  EXPECT_EQ(parse_replicas("majority"), write_level::majority);
  EXPECT_EQ(parse_replicas("all"), write_level::all);
  for (auto bad : {"", "0", "-1", "2x", "1234567890", "All", " 2"})
    EXPECT_FALSE(parse_replicas(bad)) << bad;
  EXPECT_EQ(replicas_text(write_level::majority), "majority");
  EXPECT_EQ(replicas_text(4), "4");
}

TEST(WriteLevels, LevelsAndTimeoutsAreBounded) {
  limits lim;
  EXPECT_EQ(validate(write_level{2, 1000}, lim), "");
  EXPECT_EQ(validate(write_level{write_level::all, 1}, lim), "");
  EXPECT_NE(validate(write_level{0, 1000}, lim), "");
  EXPECT_NE(validate(write_level{static_cast<uint32_t>(lim.max_members + 1), 1000}, lim),
            "");
  EXPECT_NE(validate(write_level{2, 0}, lim), "");
  EXPECT_NE(validate(write_level{2, lim.max_wait_ms + 1}, lim), "");
}

TEST(WriteQuorum, CountsEachAskedMemberOnce) {
  auto q = quorum(3, {"a", "b", "c", "d"});
  EXPECT_EQ(q.ask_more(q.shortfall()), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(q.answer("a", written));
  EXPECT_FALSE(q.answer("a", written)); // a duplicate
  EXPECT_FALSE(q.answer("a", digest_item{"k", 9, "n1"}));
  EXPECT_FALSE(q.answer("c", written)); // not handed the write (yet)
  EXPECT_FALSE(q.answer("mallory", written));
  EXPECT_EQ(q.held(), 2u);
  EXPECT_FALSE(q.met());
  EXPECT_EQ(q.unanswered(), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(q.answer("b", written));
  EXPECT_TRUE(q.met());
  EXPECT_EQ(q.shortfall(), 0u);
  auto r = q.report();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.version, 7u);
  EXPECT_EQ(r.held, 3u);
  EXPECT_EQ(r.live, 5u);
  EXPECT_TRUE(r.missing.empty());
}

TEST(WriteQuorum, OnlyVersionsAtLeastTheWriteCount) {
  auto q = quorum(5, {"a", "b", "c", "d"});
  q.ask_more(4);
  EXPECT_FALSE(q.answer("a", digest_item{"k", 6, "n9"}));     // older
  EXPECT_FALSE(q.answer("b", digest_item{"k", 7, "n0"}));     // same version, loses
  EXPECT_FALSE(q.answer("c", digest_item{"other", 7, "n1"})); // another key
  EXPECT_FALSE(q.answer("d", digest_item{"k", 0, ""}));       // nothing
  EXPECT_EQ(q.held(), 1u);
  EXPECT_TRUE(q.hopeless()); // all answered, none holds it
  // A newer write of the key counts: it supersedes ours everywhere.
  EXPECT_TRUE(q.answer("a", digest_item{"k", 8, "n2"}));
  EXPECT_TRUE(q.answer("b", digest_item{"k", 7, "n2"}));
  EXPECT_EQ(q.held(), 3u);
  auto r = q.report();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.missing, (std::vector<std::string>{"c", "d"}));
}

TEST(WriteQuorum, AsksMoreWhenTheFirstAreSilentAndGivesUpWithoutCandidates) {
  auto q = quorum(2, {"a", "b", "c"});
  EXPECT_EQ(q.ask_more(q.shortfall()).size(), 1u);
  EXPECT_EQ(q.ask_more(q.shortfall()).size(), 1u); // "a" silent: one more
  EXPECT_EQ(q.unanswered().size(), 2u);
  EXPECT_TRUE(q.answer("b", written));
  EXPECT_TRUE(q.met());
  EXPECT_EQ(q.report().missing, (std::vector<std::string>{"a"}));

  auto alone = quorum(2, {});
  EXPECT_FALSE(alone.met());
  EXPECT_TRUE(alone.hopeless());
  EXPECT_EQ(alone.report().held, 1u);
  EXPECT_TRUE(quorum(1, {}).met());
}

TEST(Convergence, EveryLiveMemberAtTheVersion) {
  convergence c{written};
  EXPECT_TRUE(c.answer("a", written));
  EXPECT_FALSE(c.answer("a", written));
  EXPECT_FALSE(c.answer("b", digest_item{"k", 3, "n1"}));
  EXPECT_EQ(c.missing({"a", "b", "c"}), (std::vector<std::string>{"b", "c"}));
  auto r = c.report({"a", "b", "c"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.held, 2u);
  EXPECT_EQ(r.live, 4u);
  // "b" and "c" died: the live members all hold it.
  EXPECT_TRUE(c.report({"a"}).ok());
}

TEST(Agreement, SameNamesSameDigestAnywhere) {
  EXPECT_EQ(view_hash({"b", "a", "c"}), view_hash({"c", "b", "a", "a"}));
  EXPECT_NE(view_hash({"a", "b"}), view_hash({"a", "b", "c"}));
  EXPECT_NE(view_hash({"ab", "c"}), view_hash({"a", "bc"})); // names are delimited
  agreement a;
  auto d = view_hash({"x", "y", "z"});
  a.answer(view_digest{"y", 1, 3, d});
  a.answer(view_digest{"z", 1, 2, view_hash({"x", "z"})});
  EXPECT_EQ(a.disagreeing({"y", "z"}, d), (std::vector<std::string>{"z"}));
  auto r = a.report({"y", "z", "w"}, 3, d);
  EXPECT_FALSE(r.agreed());
  EXPECT_EQ(r.differing, (std::vector<std::string>{"z"}));
  EXPECT_EQ(r.silent, (std::vector<std::string>{"w"}));
  a.answer(view_digest{"z", 2, 3, d});
  EXPECT_TRUE(a.report({"y", "z"}, 3, d).agreed());
}

TEST(ReplicaMessages, EnvelopesAreChecked) {
  limits lim;
  EXPECT_EQ(validate(held{"a", 1, digest_item{"k", 1, "b"}}, lim), "");
  EXPECT_EQ(validate(held{"a", 1, digest_item{"k", 0, ""}}, lim), "");
  EXPECT_NE(validate(held{"", 1, digest_item{"k", 1, "b"}}, lim), "");
  EXPECT_NE(validate(held{"a", 1, digest_item{"", 1, "b"}}, lim), "");
  EXPECT_NE(validate(held{"a", 1, digest_item{"k", 1, std::string(300, 'o')}}, lim), "");
  EXPECT_NE(validate(held_query{"a", 1, std::string(lim.max_key_bytes + 1, 'k')}, lim),
            "");
  EXPECT_NE(validate(replica_write{std::string(lim.max_name_bytes + 1, 'n'), 1, {}}, lim),
            "");
  EXPECT_NE(validate(view_query{"", 1}, lim), "");
  EXPECT_NE(validate(view_digest{"", 1, 3, 0}, lim), "");
  hold_report r;
  r.missing.assign(lim.max_members + 1, "n");
  EXPECT_NE(validate(r, lim), "");
  EXPECT_NE(validate(view_report{1, 0, {""}, {}}, lim), "");
}
