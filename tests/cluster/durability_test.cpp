// gossip-node --data-dir with real processes on 127.0.0.1: a SIGKILLed node
// restarted on its directory keeps its data and its next write wins; a node
// whose seeds are gone rejoins through its last known members; a whole
// cluster stopped and started keeps everything; a directory it must not use
// stops it before it listens. Waits are event-driven with upper bounds.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "helpers.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

cluster_spec spec(size_t n, const std::string& data_root) {
  auto s = test::spec(n);
  s.data_root = data_root;
  return s;
}

using test::all_see;

// The version in gossip-ctl's "ok version N"; 0 on failure.
uint64_t put(process_cluster& c, size_t i, const std::string& key,
             const std::string& value) {
  std::string out;
  if (c.ctl(i, {"put", key, value}, &out) != 0 || out.rfind("ok version ", 0) != 0)
    return 0;
  return std::stoull(out.substr(11));
}

std::string get(process_cluster& c, size_t i, const std::string& key) {
  std::string out;
  return c.ctl(i, {"get", key}, &out) == 0 ? out : "<absent>";
}

// Node i has stored `key` at `version` (or higher), by its events.
bool stored(process_cluster& c, size_t i, const std::string& key, uint64_t version) {
  for (auto& ev : c.events(i))
    if (ev.kind == event_kind::stored && ev.key == key && ev.version >= version)
      return true;
  return false;
}

void start_all(process_cluster& c) {
  c.start_all();
  ASSERT_TRUE(c.wait_until([&] { return all_see(c, c.size()); }, 60s))
      << "the nodes did not all see each other";
}

} // namespace

TEST(Durability, ASigkilledNodeKeepsItsDataAndItsNextWriteWins) {
  test::scratch_dir data;
  process_cluster c{spec(3, data.path)};
  start_all(c);
  uint64_t cluster_version = 0;
  for (size_t i = 0; i < 3; ++i)
    cluster_version = put(c, i % 2, "k", "v" + std::to_string(i)); // by n1 and n2
  ASSERT_GT(cluster_version, 0u);
  ASSERT_GT(put(c, 1, "other", "x"), 0u);
  ASSERT_TRUE(c.wait_until(
      [&] { return stored(c, 2, "k", cluster_version) && stored(c, 2, "other", 1); },
      30s));
  // A request answered after those merges: n3's commit of them (queued
  // right behind them in its mailbox) is done.
  ASSERT_EQ(get(c, 2, "k"), "v2\n");
  // n3's own write, killed right after its "ok": it was committed before.
  ASSERT_GT(put(c, 2, "mine", "m"), 0u);
  c.kill(2);

  c.launch(2, 2); // no seeds: what it holds comes from its data dir
  ASSERT_TRUE(c.wait_listening(2, 20s));
  EXPECT_EQ(get(c, 2, "mine"), "m\n");
  EXPECT_EQ(get(c, 2, "other"), "x\n");
  auto version = put(c, 2, "k", "after-restart");
  EXPECT_GT(version, cluster_version) << "its clock went back";
  // It rejoins through its last known members, and its write wins there.
  EXPECT_TRUE(c.wait_until(
      [&] {
        return get(c, 0, "k") == "after-restart\n" && get(c, 1, "k") == "after-restart\n";
      },
      30s));
}

TEST(Durability, ANodeWhoseSeedsAreGoneRejoinsThroughItsLastKnownMembers) {
  test::scratch_dir data;
  process_cluster c{spec(3, data.path)};
  start_all(c);
  // n3 keeps n2's address once verified: when n2's first message reaches it
  // after n3 connected there, within a probe cycle or two.
  c.pump(3s);
  c.kill(2);
  c.stop(0); // n3's only seed
  // --seeds=n1's address, where nobody listens; a new port, so that n2's
  // retries of the dead n3 cannot reach it either.
  c.launch(2, 0, {"--port=0"});
  ASSERT_TRUE(c.wait_listening(2, 20s));
  EXPECT_TRUE(c.wait_until(
      [&] {
        return c.live_view(2).count("n2") == 1 &&
               c.last_member_event(1, "n3") == event_kind::member_up;
      },
      30s));
}

TEST(Durability, AWholeClusterStoppedAndStartedKeepsAllData) {
  test::scratch_dir data;
  process_cluster c{spec(3, data.path)};
  start_all(c);
  uint64_t highest = 0;
  for (size_t k = 0; k < 9; ++k)
    highest = std::max(
        highest, put(c, k % 3, "key" + std::to_string(k), "value" + std::to_string(k)));
  ASSERT_EQ(c.ctl(1, {"del", "key4"}), 0);
  auto deleted = [&](size_t i) {
    for (auto& ev : c.events(i))
      if (ev.kind == event_kind::stored && ev.key == "key4" && ev.tombstone)
        return true;
    return false;
  };
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (size_t i = 0; i < 3; ++i)
          for (size_t k = 0; k < 9; ++k)
            if (!stored(c, i, "key" + std::to_string(k), 1) || !deleted(i))
              return false;
        return true;
      },
      30s));
  for (size_t i = 0; i < 3; ++i) // each node's commits of what it merged are done
    ASSERT_EQ(get(c, i, "key0"), "value0\n");
  c.stop_all();

  start_all(c);
  for (size_t i = 0; i < 3; ++i)
    for (size_t k = 0; k < 9; ++k) {
      auto key = "key" + std::to_string(k);
      EXPECT_EQ(get(c, i, key), k == 4 ? "<absent>" : "value" + std::to_string(k) + "\n")
          << key << " at " << c.name(i);
    }
  EXPECT_GT(put(c, 0, "key0", "new"), highest + 1) << "past the puts and the delete";
}

TEST(Durability, ADirectoryItMustNotUseStopsTheNodeBeforeItListens) {
  test::scratch_dir tmp;
  auto dir = [&](const std::string& x) { return "--data-dir=" + tmp / x; };
  // Not a database: a file of junk where gossip.db belongs.
  std::filesystem::create_directories(tmp / "junk");
  std::ofstream{tmp / "junk/gossip.db"} << std::string(8192, 'j');
  test::expect_refused({dir("junk")}, "gossip.db is not an SQLite database");
  // Another program's SQLite database.
  std::filesystem::create_directories(tmp / "foreign");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp / "foreign/gossip.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE notes(text)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  test::expect_refused({dir("foreign")}, "belongs to another program");
  // A file, not a directory; a place nobody can create one.
  std::ofstream{tmp / "file"} << "x";
  test::expect_refused({dir("file")}, "not a directory");
  test::expect_refused({"--data-dir=/proc/self/gossip-data"}, "cannot create it");
  if (::geteuid() != 0) { // root writes anywhere
    std::filesystem::create_directories(tmp / "ro");
    std::filesystem::permissions(tmp / "ro", std::filesystem::perms::owner_read |
                                                 std::filesystem::perms::owner_exec);
    test::expect_refused({dir("ro/x")}, "cannot create it: Permission denied");
  }
  // Another node's directory, and one a running node holds.
  child holder{{test::bin("gossip-node"), "--name=holder", "--events=json", dir("held")}};
  std::vector<std::string> lines;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (lines.empty() && holder.read_lines(lines) &&
         std::chrono::steady_clock::now() < deadline)
    wait_readable({holder.out_fd()}, 50ms);
  ASSERT_FALSE(lines.empty()) << "the holder did not start";
  test::expect_refused({"--name=holder", dir("held")}, "is locked by another process");
  test::expect_refused({"--name=other", dir("held")}, "is locked by another process");
  holder.stop();
  test::expect_refused({"--name=other", dir("held")}, "belongs to node 'holder'");
}
