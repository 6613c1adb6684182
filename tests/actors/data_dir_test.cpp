// The data directory alone (gossip/data_dir.hpp): what a commit keeps comes
// back on the next open, a new life bumps the incarnation, and every file it
// must not trust (locked, foreign, newer, corrupt, another node's, bad rows)
// is refused with one line, without being written to. Then a node actor with
// a data directory: its put is on disk before the "ok", and a node started
// on the same directory resumes the store, the clock and the incarnation.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "gossip/atoms.hpp"
#include "gossip/data_dir.hpp"
#include "gossip/membership.hpp"
#include "gossip/node.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"

using namespace gossip;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct scratch {
  std::string path;
  scratch() {
    char tmpl[] = "/tmp/gossip-datadir-XXXXXX";
    if (::mkdtemp(tmpl))
      path = tmpl;
  }
  ~scratch() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string operator/(const std::string& x) const { return path + "/" + x; }
};

std::string slurp(const std::string& file) {
  std::ifstream in{file, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// The message data_dir throws for `dir` opened as `name` (empty: none).
std::string refusal(const std::string& dir, const std::string& name = "n1") {
  try {
    data_dir d{dir, name};
  } catch (const data_dir_error& e) {
    return e.what();
  }
  return {};
}

// Runs `sql` on DIR/gossip.db with SQLite directly (a foreign program).
void sql(const std::string& dir, const std::string& text) {
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/gossip.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

void commit_one(data_dir& d, store& s, const std::string& key, const std::string& value) {
  s.put(key, value, "n1");
  data_dir::batch b;
  b.keys = s.take_changes();
  d.commit(s, b, durability::synced);
}

} // namespace

TEST(DataDir, NewDirectoryStartsTheFirstLife) {
  scratch tmp;
  data_dir d{tmp / "a/b/n1", "n1"}; // parents created too
  EXPECT_TRUE(fs::exists(tmp / "a/b/n1/gossip.db"));
  EXPECT_EQ(d.incarnation(), 1u);
  EXPECT_EQ(d.clock(), 0u);
  EXPECT_TRUE(d.take_entries().empty());
  EXPECT_TRUE(d.members().empty());
}

TEST(DataDir, WhatACommitKeepsComesBackInTheNextLife) {
  scratch tmp;
  store s;
  s.track_changes();
  {
    data_dir d{tmp.path, "n1"};
    s.put(std::string{"bin\0key", 7}, "", "n1"); // binary key, empty value
    s.put("k", "v", "n1");
    s.merge("far", entry{"x", 40, "n2", false, 0});
    s.erase("k", "n1");
    data_dir::batch b;
    b.keys = s.take_changes();
    b.members = {{"n2", "127.0.0.1:7002"}, {"n3", "[::1]:7003"}};
    b.incarnation = 5; // refuted suspicions during this life
    d.commit(s, b, durability::written);
  }
  data_dir d{tmp.path, "n1"};
  EXPECT_EQ(d.incarnation(), 6u);
  EXPECT_EQ(d.clock(), 41u);
  store back;
  for (auto& x : d.take_entries())
    back.merge(x.key, x.e);
  EXPECT_EQ(back, s);
  ASSERT_NE(back.find("k"), nullptr);
  EXPECT_TRUE(back.find("k")->tombstone);
  std::set<std::string> members;
  for (auto& m : d.members())
    members.insert(m.name + "@" + m.address);
  EXPECT_EQ(members, (std::set<std::string>{"n2@127.0.0.1:7002", "n3@[::1]:7003"}));
}

TEST(DataDir, ACollectedTombstoneIsDeletedAndLivesCount) {
  scratch tmp;
  store s;
  s.track_changes();
  {
    data_dir d{tmp.path, "n1"};
    commit_one(d, s, "gone", "v");
    s.erase("gone", "n1");
    s.forget("gone");
    data_dir::batch b;
    b.keys = s.take_changes();
    d.commit(s, b, durability::synced);
  }
  { data_dir d{tmp.path, "n1"}; } // three lives in all
  data_dir d{tmp.path, "n1"};
  EXPECT_TRUE(d.take_entries().empty());
  EXPECT_EQ(d.incarnation(), 3u);
  EXPECT_EQ(d.clock(), 2u);
}

TEST(DataDir, KeepsOnlyTheMostRecentMembers) {
  scratch tmp;
  store s;
  {
    data_dir d{tmp.path, "n1"};
    for (size_t i = 0; i < data_dir::max_members + 10; ++i) {
      data_dir::batch b;
      b.members = {{"m" + std::to_string(i), "127.0.0.1:" + std::to_string(9000 + i)}};
      d.commit(s, b, durability::written);
    }
  }
  data_dir d{tmp.path, "n1"};
  EXPECT_EQ(d.members().size(), data_dir::max_members);
}

TEST(DataDir, ASecondProcessOrObjectOnTheSameDirectoryIsRefused) {
  scratch tmp;
  data_dir first{tmp.path, "n1"};
  EXPECT_NE(refusal(tmp.path).find("is locked by another process"), std::string::npos);
  store s;
  commit_one(first, s, "k", "v"); // the holder is unharmed
}

TEST(DataDir, AnotherNodesDirectoryIsRefused) {
  scratch tmp;
  { data_dir d{tmp.path, "n1"}; }
  EXPECT_NE(refusal(tmp.path, "n2").find("belongs to node 'n1', not 'n2'"),
            std::string::npos);
}

TEST(DataDir, ForeignAndNewerFilesAreRefusedAndLeftAlone) {
  scratch a, b;
  sql(a.path, "CREATE TABLE photos(id INTEGER PRIMARY KEY, jpeg BLOB);"
              "INSERT INTO photos(jpeg) VALUES (x'ffd8');");
  auto before = slurp(a / "gossip.db");
  EXPECT_NE(refusal(a.path).find("belongs to another program"), std::string::npos);
  EXPECT_EQ(slurp(a / "gossip.db"), before);
  EXPECT_FALSE(fs::exists(a / "gossip.db-wal"));
  { data_dir d{b.path, "n1"}; }
  sql(b.path, "PRAGMA user_version=2");
  EXPECT_NE(refusal(b.path).find("written by a newer gossip-node (schema 2"),
            std::string::npos);
}

TEST(DataDir, FilesThatAreNotDatabasesOrDirectoriesAreRefused) {
  scratch tmp;
  fs::create_directories(tmp / "junk");
  std::ofstream{tmp / "junk/gossip.db"} << std::string(5000, 'x');
  EXPECT_NE(refusal(tmp / "junk").find("is not an SQLite database"), std::string::npos);
  std::ofstream{tmp / "file"} << "x";
  EXPECT_NE(refusal(tmp / "file").find("not a directory"), std::string::npos);
  EXPECT_NE(refusal(tmp / "file/sub").find("data dir '" + tmp / "file/sub'"),
            std::string::npos);
  fs::create_directories(tmp / "dir-as-file/gossip.db");
  EXPECT_NE(refusal(tmp / "dir-as-file").find("cannot open gossip.db"),
            std::string::npos);
}

TEST(DataDir, ADamagedFileIsCorruptNotEmpty) {
  scratch tmp;
  {
    data_dir d{tmp.path, "n1"};
    store s;
    s.track_changes();
    for (int i = 0; i < 300; ++i)
      s.put("key" + std::to_string(i), std::string(200, 'v'), "n1");
    data_dir::batch b;
    b.keys = s.take_changes();
    d.commit(s, b, durability::synced);
  } // closed: the WAL is checkpointed into gossip.db
  auto bytes = slurp(tmp / "gossip.db");
  ASSERT_GT(bytes.size(), 8 * 4096u);
  for (size_t i = 9 * 4096; i < 9 * 4096 + 3000; ++i) // a page of the entries table
    bytes[i] = static_cast<char>(i * 7);
  std::ofstream{tmp / "gossip.db", std::ios::binary} << bytes;
  auto why = refusal(tmp.path);
  EXPECT_NE(why.find("is corrupt"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
}

TEST(DataDir, RowsThatWouldNotPassTheNetworksChecksAreCorrupt) {
  auto with_row = [](const std::string& insert) {
    scratch tmp;
    { data_dir d{tmp.path, "n1"}; }
    sql(tmp.path, insert);
    return refusal(tmp.path);
  };
  EXPECT_NE(with_row("INSERT INTO entries VALUES (x'6b', x'76', 0, x'6e31', 0)")
                .find("is corrupt: an entry's version"),
            std::string::npos);
  EXPECT_NE(with_row("INSERT INTO entries VALUES (zeroblob(2000), x'76', 1, x'6e31', 0)")
                .find("is corrupt: an entry's key"),
            std::string::npos);
  EXPECT_NE(with_row("INSERT INTO entries VALUES (x'6b', 7, 1, x'6e31', 0)")
                .find("is corrupt: an entry's value"),
            std::string::npos);
  EXPECT_NE(with_row("INSERT INTO entries VALUES (x'6b', x'76', 1, x'6e31', 1)")
                .find("is corrupt: an entry (tombstone"),
            std::string::npos);
  EXPECT_NE(with_row("INSERT INTO members VALUES (x'6e32', 'nowhere', 1)")
                .find("is corrupt: a member"),
            std::string::npos);
  EXPECT_NE(with_row("UPDATE meta SET value = -1 WHERE name = 'incarnation'")
                .find("is corrupt: its incarnation"),
            std::string::npos);
  EXPECT_NE(
      with_row("DELETE FROM meta WHERE name = 'clock'").find("is corrupt: its meta rows"),
      std::string::npos);
}

// -- a node actor with a data directory ---------------------------------------

namespace {

struct node_run {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor node;

  node_run(std::shared_ptr<data_dir> dir) {
    register_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    node_config nc;
    nc.name = "n1";
    nc.auto_tick = false;
    nc.storage = std::move(dir);
    node = spawn_node(*sys, nc, make_protocols("swim,push-pull", {}));
  }
  ~node_run() {
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    node = nullptr;
    sys.reset(); // waits for the node: its last changes are committed
  }

  template <class T, class... Ts> T ask(Ts... xs) {
    caf::scoped_actor self{*sys};
    T result{};
    self->request(node, 10s, xs...)
        .receive([&](T x) { result = std::move(x); },
                 [&](caf::error& e) { ADD_FAILURE() << sys->render(e); });
    return result;
  }
};

uint64_t own_incarnation(node_run& r) {
  for (auto& m : r.ask<std::vector<member_update>>(members_atom::value))
    if (m.name == "n1")
      return m.incarnation;
  return 0;
}

} // namespace

TEST(DataDirNode, TheNextLifeResumesStoreClockAndIncarnation) {
  scratch tmp;
  uint64_t version = 0;
  {
    node_run r{std::make_shared<data_dir>(tmp.path, "n1")};
    EXPECT_EQ(own_incarnation(r), 1u);
    r.ask<uint64_t>(caf::put_atom::value, std::string{"k"}, std::string{"v1"});
    version = r.ask<uint64_t>(caf::put_atom::value, std::string{"k"}, std::string{"v2"});
    EXPECT_TRUE(r.ask<bool>(caf::delete_atom::value, std::string{"k"}));
  }
  auto dir = std::make_shared<data_dir>(tmp.path, "n1");
  EXPECT_EQ(dir->clock(), version + 1);
  node_run r{dir};
  EXPECT_EQ(own_incarnation(r), 2u); // outbids its previous life at once
  auto snapshot = r.ask<std::vector<keyed_entry>>(snapshot_atom::value);
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_TRUE(snapshot[0].e.tombstone);
  EXPECT_EQ(snapshot[0].e.version, version + 1);
  // Its next write wins over everything it wrote before.
  EXPECT_EQ(r.ask<uint64_t>(caf::put_atom::value, std::string{"k"}, std::string{"v3"}),
            version + 2);
}
