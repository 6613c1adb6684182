// Paged comparison (paging.hpp): pages stay within their budget, answers
// cover exactly their range, and pull / push-pull sync a store far larger
// than one message to an empty node by following truncated answers.
#include <gtest/gtest.h>

#include "fake_port.hpp"
#include "gossip/paging.hpp"
#include "gossip/pull.hpp"
#include "gossip/push_pull.hpp"

namespace gossip::test {
namespace {

std::string key_of(size_t i) {
  auto s = std::to_string(i);
  return "k" + std::string(6 - s.size(), '0') + s; // k000042: key order == i order
}

void fill(store& s, size_t n, const std::string& origin = "a") {
  for (size_t i = 0; i < n; ++i)
    s.put(key_of(i), "value-" + std::to_string(i), origin);
}

size_t page_bytes(const std::vector<digest_item>& xs) {
  size_t n = 0;
  for (auto& x : xs)
    n += digest_bytes(x);
  return n;
}

TEST(Paging, ADigestPageStaysWithinItsBudgetAndNamesWhereItEnds) {
  store s;
  fill(s, 1000);
  auto page = page_from(s, "", 1024, 100000);
  ASSERT_FALSE(page.items.empty());
  EXPECT_LE(page_bytes(page.items), 1024u);
  EXPECT_EQ(page.range.start, "");
  EXPECT_EQ(page.range.end, key_of(page.items.size())); // the first key left out
  auto rest = page_from(s, page.range.end, 1u << 30, 100000);
  EXPECT_EQ(page.items.size() + rest.items.size(), 1000u);
  EXPECT_EQ(rest.range.end, ""); // reached the last key: open
}

TEST(Paging, AStoreThatFitsOnePageIsComparedWhole) {
  store s;
  fill(s, 10);
  page_cursor c;
  auto page = c.next_page(s, 65536, 100000);
  EXPECT_EQ(page.items.size(), 10u);
  EXPECT_EQ(page.range.end, "");
  EXPECT_EQ(c.cursor(), ""); // the next sweep starts over
}

TEST(Paging, AnAnswerCoversOnlyItsRangeAndWhatTheAskerLacks) {
  store mine, theirs;
  fill(mine, 100);
  fill(theirs, 50); // the same writes for k000000..k000049
  theirs.put(key_of(10), "newer there", "b");
  mine.put(key_of(20), "newer here", "c");
  auto page = page_from(theirs, key_of(5), 1u << 20, 100000);
  page.range.end = key_of(60); // as if their page ended there
  auto answer = answer_page(mine, page.range, page.items, 1u << 20, 100000);
  std::vector<std::string> keys;
  for (auto& x : answer.entries)
    keys.push_back(x.key);
  std::vector<std::string> expected{key_of(20)};
  for (size_t i = 50; i < 60; ++i)
    expected.push_back(key_of(i)); // missing there, inside the range
  EXPECT_EQ(keys, expected);       // k000010 is newer there: not sent back
  EXPECT_EQ(answer.next, "");
}

TEST(Paging, ATruncatedAnswerSaysWhereToContinue) {
  store mine;
  fill(mine, 1000);
  auto answer = answer_page(mine, {"", ""}, {}, 2048, 100000);
  ASSERT_FALSE(answer.entries.empty());
  ASSERT_LT(answer.entries.size(), 1000u);
  EXPECT_EQ(answer.next, key_of(answer.entries.size()));
}

// However large the budget, no page has more items than a peer accepts.
TEST(Paging, APageNeverHoldsMoreItemsThanAMessageMay) {
  store s;
  fill(s, 1000);
  EXPECT_EQ(page_from(s, "", 1u << 30, 100).items.size(), 100u);
  auto answer = answer_page(s, {"", ""}, {}, 1u << 30, 100);
  EXPECT_EQ(answer.entries.size(), 100u);
  EXPECT_EQ(answer.next, key_of(100));
}

TEST(Paging, MalformedPagesAreRejected) {
  limits lim;
  EXPECT_EQ(validate(page_range{"b", "a"}, {}, lim),
            "page range that ends before it starts");
  EXPECT_EQ(validate(page_range{"b", "c"}, {digest_item{"a", 1, "x"}}, lim),
            "digest item outside its page");
  EXPECT_EQ(validate(page_range{"", ""},
                     {digest_item{"b", 1, "x"}, digest_item{"a", 1, "x"}}, lim),
            "digest items out of order");
  EXPECT_EQ(validate(page_range{"", ""},
                     {digest_item{"a", 1, "x"}, digest_item{"a", 2, "x"}}, lim),
            "digest items out of order");
  EXPECT_EQ(validate(page_range{"a", ""}, {digest_item{"a", 1, "x"}}, lim), "");
}

// The node answers a malformed page with nothing: the handler never runs.
TEST(Paging, ANodeDropsAPullRequestWithAnUnsortedDigest) {
  fake_node a{"a"};
  a.add("pull");
  fill(a.data(), 10);
  a.receive_typed(
      pull_request{"b", "", "", {digest_item{"z", 1, "a"}, digest_item{"k", 1, "a"}}},
      "b");
  ASSERT_EQ(a.rejected.size(), 1u);
  EXPECT_TRUE(a.replied<pull_response>().empty());
}

// A store of 20,000 keys, far more than one 4 KiB answer: the empty node
// gets it all in one round by following the chain of truncated answers,
// and no answer exceeds its budget by more than one entry.
void syncs_by_following(const std::string& protocol) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  params ps{{"budget", "4096"}};
  a.add(protocol, ps);
  b.add(protocol, ps);
  fill(a.data(), 20000);
  b.tick();
  net.settle(1000000);
  EXPECT_EQ(b.data(), a.data());
  size_t answers = 0;
  auto check = [&](const std::vector<keyed_entry>& xs) {
    size_t bytes = 0;
    for (auto& x : xs)
      bytes += delta_bytes(x);
    EXPECT_LE(bytes, 4096u);
    ++answers;
  };
  if (protocol == "pull")
    for (auto& m : a.replied<pull_response>())
      check(m.entries);
  else
    for (auto& m : a.replied<push_pull_response>())
      check(m.entries);
  EXPECT_GT(answers, 20000u * 40 / 4096); // paged, not one message
}

TEST(Paging, PullSyncsALargeStoreToAnEmptyNodeInPages) {
  syncs_by_following("pull");
}

TEST(Paging, PushPullSyncsALargeStoreToAnEmptyNodeInPages) {
  syncs_by_following("push-pull");
}

// Only an answer to a page this node asked for is followed, only forward
// inside that page, and only while it teaches something: a peer cannot make
// a node send digest pages by answering what it was not asked, nor keep a
// chain going by always answering "there is more".
TEST(Paging, OnlyAnAnswerThatWasAskedForAndTeachesSomethingIsFollowed) {
  fake_node b{"b"};
  b.set_peers({"a"});
  b.add("pull");
  b.receive_typed(pull_response{"a", {make_entry("k0", "1", 1, "a")}, "m"}, "a");
  EXPECT_TRUE(b.sent<pull_request>().empty()); // not asked: not followed
  b.tick();                                    // asks a for the whole key space
  ASSERT_EQ(b.sent<pull_request>().size(), 1u);
  b.receive_typed(pull_response{"a", {make_entry("k1", "1", 1, "a")}, "m"}, "a");
  ASSERT_EQ(b.sent<pull_request>().size(), 2u); // asked, new, inside: followed
  EXPECT_EQ(b.sent<pull_request>().back().start, "m");
  b.receive_typed(pull_response{"a", {make_entry("k1", "1", 1, "a")}, "n"}, "a");
  EXPECT_EQ(b.sent<pull_request>().size(), 2u); // nothing new: the chain ends
  b.tick();
  auto asked = b.sent<pull_request>().size();
  b.receive_typed(pull_response{"a", {make_entry("k2", "1", 1, "a")}, ""}, "a");
  EXPECT_EQ(b.sent<pull_request>().size(), asked); // complete: nothing to follow
}

// A round's request to the same peer does not end a chain in progress (a
// joining node stalled at a quarter of a 1,000,000-key store when it did).
TEST(Paging, AChainSurvivesARoundsRequestToTheSamePeer) {
  fake_node b{"b"};
  b.set_peers({"a"});
  b.add("pull", {{"budget", "256"}});
  fill(b.data(), 100); // pages of about 10 keys
  b.tick();
  auto first = b.sent<pull_request>().back();
  ASSERT_EQ(first.end, key_of(first.digest.size()));
  b.receive_typed(pull_response{"a", {make_entry("a1", "1", 1, "a")}, key_of(2)}, "a");
  ASSERT_EQ(b.sent<pull_request>().size(), 2u); // the chain asks from key 2 on
  b.tick();                                     // the round asks for the next page
  ASSERT_GT(b.sent<pull_request>().back().start, key_of(3));
  b.receive_typed(pull_response{"a", {make_entry("a2", "1", 1, "a")}, key_of(3)}, "a");
  ASSERT_EQ(b.sent<pull_request>().size(), 4u); // the chain goes on
  EXPECT_EQ(b.sent<pull_request>().back().start, key_of(3));
}

TEST(Paging, AnAnswerContinuingOutsideItsPageIsNotFollowed) {
  fake_node b{"b"};
  b.set_peers({"a"});
  b.add("pull", {{"budget", "256"}});
  fill(b.data(), 100); // b's first page ends well before the last key
  b.tick();
  auto page = b.sent<pull_request>().back();
  ASSERT_FALSE(page.end.empty());
  b.receive_typed(pull_response{"a", {make_entry("new", "1", 1, "a")}, page.end + "x"},
                  "a");
  EXPECT_EQ(b.sent<pull_request>().size(), 1u);
}

// Equal large stores, one key apart deep inside: the cursor sweeps the key
// space a page per round and finds the difference within one sweep.
TEST(Paging, ASweepFindsADifferenceAnywhereInALargeStore) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  params ps{{"budget", "4096"}};
  a.add("pull", ps);
  b.add("pull", ps);
  fill(a.data(), 5000);
  b.data().merge(a.data());
  a.data().put(key_of(4321), "changed", "a");
  auto pages = 5000 * 32 / 4096 + 2;
  int rounds = 0;
  while (b.data() != a.data() && rounds < 2 * pages) {
    b.tick();
    net.settle();
    ++rounds;
  }
  EXPECT_EQ(b.data(), a.data());
  EXPECT_LE(rounds, pages);
  EXPECT_GT(rounds, 1); // not found in the first page: it was really paged
}

// Writes made while cut off stay fresh: they are still pushed once the node
// is heard again, however many unanswered rounds passed.
TEST(Paging, PushPullKeepsPushingWritesMadeWhileCutOff) {
  fake_network net;
  auto& a = net.add("a");
  auto& b = net.add("b");
  net.connect_all();
  a.add("push-pull");
  b.add("push-pull");
  net.down.insert("b");
  a.write("x", "written apart");
  for (int i = 0; i < 20; ++i)
    net.round();
  EXPECT_EQ(b.data().get("x"), nullptr);
  net.down.clear();
  a.clear_records();
  a.tick();
  auto pushed = a.sent<push_pull_request>();
  ASSERT_FALSE(pushed.empty());
  ASSERT_EQ(pushed.back().entries.size(), 1u);
  EXPECT_EQ(pushed.back().entries[0].key, "x");
  net.settle();
  ASSERT_NE(b.data().get("x"), nullptr);
}

// The asks a node keeps open: every ask of a wide round is followed, an
// answer closes its ask, and a peer that never answers holds at most its share.
TEST(PageRequests, EveryAskOfAWideRoundIsFollowedAndClosedByItsAnswer) {
  page_requests asked;
  for (int i = 0; i < 40; ++i) // fanout 40: all asked before any answer
    asked.asked("p" + std::to_string(i), page_range{"", ""});
  for (int i = 0; i < 40; ++i) {
    auto peer = "p" + std::to_string(i);
    EXPECT_EQ(asked.follow(peer, "m", 1), std::optional<std::string>{"m"}) << peer;
    // Closed: the same answer again finds nothing to follow.
    EXPECT_EQ(asked.follow(peer, "m", 1), std::nullopt) << peer;
  }
}

TEST(PageRequests, ACompleteAnswerClosesTheAskAndAPeerHoldsAtMostItsShare) {
  page_requests asked;
  asked.asked("a", page_range{"", ""});
  EXPECT_EQ(asked.follow("a", "", 3), std::nullopt);  // complete
  EXPECT_EQ(asked.follow("a", "k", 3), std::nullopt); // nothing open any more
  // Five asks of one silent peer: the oldest is gone, four stay.
  for (auto start : {"a", "b", "c", "d", "e"})
    asked.asked("x", page_range{start, std::string{start} + "z"});
  EXPECT_EQ(asked.follow("x", "aa", 1), std::nullopt);
  for (auto next : {"bb", "cc", "dd", "ee"})
    EXPECT_EQ(asked.follow("x", next, 1), std::optional<std::string>{next});
}

} // namespace
} // namespace gossip::test
