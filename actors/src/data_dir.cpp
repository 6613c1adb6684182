// The data directory on SQLite: open, verify and lock; load; write batches.
// Every SQLite call's result is checked; a file we cannot trust is an error,
// never an empty start.
#include "gossip/data_dir.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>

#include "gossip/address.hpp"

namespace gossip {

namespace {

// Bounds for what the file may claim, as for the network's input.
constexpr uint64_t max_incarnation = uint64_t{1} << 62;

const char* schema = R"(
CREATE TABLE meta(name TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE entries(key BLOB PRIMARY KEY, value BLOB NOT NULL, version INTEGER NOT NULL,
                     origin BLOB NOT NULL, tombstone INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE members(name BLOB PRIMARY KEY, address TEXT NOT NULL,
                     seen INTEGER NOT NULL) WITHOUT ROWID;
)";

/// A prepared statement, finalized with its owner.
class statement {
public:
  statement() = default;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(s_); }
  sqlite3_stmt*& slot() { return s_; }
  sqlite3_stmt* get() const { return s_; }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

private:
  sqlite3_stmt* s_ = nullptr;
};

void bind_text(sqlite3_stmt* s, int i, const std::string& x, bool blob) {
  // A blob of 0 bytes needs a non-null pointer, or SQLite binds NULL.
  if (blob)
    sqlite3_bind_blob(s, i, x.data(), static_cast<int>(x.size()), SQLITE_TRANSIENT);
  else
    sqlite3_bind_text(s, i, x.data(), static_cast<int>(x.size()), SQLITE_TRANSIENT);
}

/// The database connection, closed last.
struct connection {
  sqlite3* db = nullptr;
  ~connection() { sqlite3_close(db); }
};

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

struct data_dir::impl {
  std::string dir;
  std::string file;
  std::string name;
  limits lim;
  connection conn; // before the statements: they are finalized first
  sqlite3*& db = conn.db;
  uint64_t clock = 0;
  uint64_t incarnation = 0;
  std::vector<keyed_entry> entries;
  std::vector<known_member> members;
  durability sync = durability::synced;
  statement put_entry, del_entry, put_meta, put_member, prune_members;

  // One line, whatever SQLite said (integrity_check answers in several).
  [[noreturn]] void fail(std::string why) const {
    const std::string banner = "*** in database main ***";
    if (auto i = why.find(banner); i != std::string::npos)
      why.erase(i, banner.size() + 1);
    for (auto& c : why)
      if (c == '\n' || c == '\r')
        c = ' ';
    throw data_dir_error("data dir '" + dir + "': " + why);
  }

  // What went wrong in SQLite's words, with the OS's error if there is one.
  std::string sqlite_says() const {
    std::string text = db ? sqlite3_errmsg(db) : "out of memory";
    if (int e = db ? sqlite3_system_errno(db) : 0; e != 0)
      text += std::string{" ("} + std::strerror(e) + ")";
    return text;
  }

  // A failed call, `what` naming the step, in words an operator can act on.
  [[noreturn]] void fail_sqlite(int rc, const std::string& what) const {
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      fail(file_name + std::string{" is locked by another process (a gossip-node "
                                   "running on this directory?)"});
    case SQLITE_NOTADB:
      fail(file_name + std::string{" is not an SQLite database (corrupt, or another "
                                   "program's file)"});
    case SQLITE_READONLY:
      fail(std::string{"cannot write to it or to "} + file_name + ": " + sqlite_says());
    case SQLITE_CORRUPT:
      fail(file_name + std::string{" is corrupt: "} + sqlite_says());
    default:
      fail(what + ": " + sqlite_says());
    }
  }

  void check(int rc, const std::string& what) const {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
      fail_sqlite(rc, what);
  }

  void exec(const char* sql, const std::string& what) {
    check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), what);
  }

  void prepare(statement& s, const char* sql) {
    check(sqlite3_prepare_v2(db, sql, -1, &s.slot(), nullptr),
          "cannot prepare a statement");
  }

  // One integer from a one-row query (a PRAGMA, a count).
  int64_t query_int(const char* sql, const std::string& what) {
    statement s;
    prepare(s, sql);
    int rc = sqlite3_step(s.get());
    check(rc, what);
    return rc == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
  }

  std::string query_text(const char* sql, const std::string& what) {
    statement s;
    prepare(s, sql);
    int rc = sqlite3_step(s.get());
    check(rc, what);
    auto t = rc == SQLITE_ROW ? sqlite3_column_text(s.get(), 0) : nullptr;
    return t ? reinterpret_cast<const char*>(t) : "";
  }

  // -- opening -----------------------------------------------------------------

  // Parents too, as mkdir -p; only this node reads it (0700).
  void make_dir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    auto status = fs::status(dir, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      fail("cannot use it: " + ec.message());
    if (fs::exists(status)) {
      if (!fs::is_directory(status))
        fail("not a directory");
      return;
    }
    if (!fs::create_directories(dir, ec) || ec)
      fail("cannot create it: " + (ec ? ec.message() : std::string{"failed"}));
    fs::permissions(dir, fs::perms::owner_all, ec);
  }

  void connect() {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK)
      fail("cannot open " + std::string{file_name} + ": " + sqlite_says());
    sqlite3_extended_result_codes(db, 1);
    // SQLite falls back to reading only (a file we may not write); its first
    // locked read would then look like another process's lock.
    if (sqlite3_db_readonly(db, "main") == 1)
      fail(std::string{file_name} + " is not writable");
    // Held from the first read to the end of the process: a second node on
    // the same directory gets SQLITE_BUSY at once (no busy timeout).
    exec("PRAGMA locking_mode=EXCLUSIVE", "cannot lock it");
  }

  // True for a new, empty file; throws for one that is not ours.
  bool recognise() {
    auto app = query_int("PRAGMA application_id", "cannot read it");
    auto version = query_int("PRAGMA user_version", "cannot read it");
    auto tables = query_int("SELECT count(*) FROM sqlite_schema", "cannot read it");
    if (app == 0 && version == 0 && tables == 0)
      return true;
    if (app != data_dir::application_id)
      fail(std::string{file_name} + " belongs to another program (application_id " +
           std::to_string(app) + ")");
    if (version > data_dir::schema_version)
      fail(std::string{file_name} + " was written by a newer gossip-node (schema " +
           std::to_string(version) + "; this one reads " +
           std::to_string(data_dir::schema_version) + ")");
    if (version != data_dir::schema_version)
      fail(std::string{file_name} + " is corrupt: unknown schema " +
           std::to_string(version));
    auto verdict = query_text("PRAGMA integrity_check(1)", "cannot check it");
    if (verdict != "ok")
      fail(std::string{file_name} + " is corrupt: " + verdict);
    return false;
  }

  void start_wal() {
    if (query_text("PRAGMA journal_mode=WAL", "cannot start its log") != "wal")
      fail("cannot switch " + std::string{file_name} + " to WAL mode");
    exec("PRAGMA synchronous=FULL", "cannot set its sync mode");
  }

  void create() {
    exec(schema, "cannot create its tables");
    exec(("PRAGMA application_id=" + std::to_string(data_dir::application_id)).c_str(),
         "cannot mark it");
    exec(("PRAGMA user_version=" + std::to_string(data_dir::schema_version)).c_str(),
         "cannot mark it");
    statement s;
    prepare(s, "INSERT INTO meta(name, value) VALUES ('node', ?1), ('clock', 0), "
               "('incarnation', 0)");
    bind_text(s.get(), 1, name, false);
    check(sqlite3_step(s.get()), "cannot write it");
  }

  // The meta rows: whose file it is, the clock, the last incarnation.
  void load_meta() {
    statement s;
    prepare(s, "SELECT name, value FROM meta");
    bool has_node = false, has_clock = false, has_incarnation = false;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      auto key = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
      std::string k = key ? key : "";
      auto type = sqlite3_column_type(s.get(), 1);
      if (k == "node") {
        if (type != SQLITE_TEXT || sqlite3_column_bytes(s.get(), 1) > 4096)
          corrupt("its node name");
        auto owner = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
        if (owner != name)
          fail("belongs to node '" + std::string{owner} + "', not '" + name + "'");
        has_node = true;
      } else if (k == "clock" || k == "incarnation") {
        auto v = sqlite3_column_int64(s.get(), 1);
        auto bound = k == "clock" ? store::max_clock : max_incarnation;
        if (type != SQLITE_INTEGER || v < 0 || static_cast<uint64_t>(v) > bound)
          corrupt("its " + k);
        (k == "clock" ? clock : incarnation) = static_cast<uint64_t>(v);
        (k == "clock" ? has_clock : has_incarnation) = true;
      }
    }
    check(rc, "cannot read it");
    if (!has_node || !has_clock || !has_incarnation)
      corrupt("its meta rows");
  }

  [[noreturn]] void corrupt(const std::string& what) const {
    fail(std::string{file_name} + " is corrupt: " + what + " cannot be read");
  }

  // A BLOB (or TEXT) column of at most `max` bytes, checked before it is copied.
  std::string column_bytes(sqlite3_stmt* s, int i, size_t max, const char* what) {
    auto type = sqlite3_column_type(s, i);
    if (type != SQLITE_BLOB && type != SQLITE_TEXT)
      corrupt(what);
    auto n = static_cast<size_t>(sqlite3_column_bytes(s, i));
    if (n > max)
      corrupt(what);
    auto p = static_cast<const char*>(type == SQLITE_BLOB ? sqlite3_column_blob(s, i)
                                                          : sqlite3_column_text(s, i));
    return n == 0 ? std::string{} : std::string{p, n};
  }

  void load_entries() {
    statement s;
    prepare(s, "SELECT key, value, version, origin, tombstone FROM entries");
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      keyed_entry x;
      x.key = column_bytes(s.get(), 0, lim.max_key_bytes, "an entry's key");
      x.e.value = column_bytes(s.get(), 1, lim.max_value_bytes, "an entry's value");
      x.e.origin = column_bytes(s.get(), 3, lim.max_name_bytes, "an entry's origin");
      auto version = sqlite3_column_int64(s.get(), 2);
      auto tomb = sqlite3_column_int64(s.get(), 4);
      if (sqlite3_column_type(s.get(), 2) != SQLITE_INTEGER || version < 1 ||
          static_cast<uint64_t>(version) > store::max_clock ||
          sqlite3_column_type(s.get(), 4) != SQLITE_INTEGER || (tomb != 0 && tomb != 1))
        corrupt("an entry's version");
      x.e.version = static_cast<uint64_t>(version);
      x.e.tombstone = tomb == 1;
      if (auto err = validate(x, lim); !err.empty())
        corrupt("an entry (" + err + ")");
      entries.push_back(std::move(x));
    }
    check(rc, "cannot read its entries");
  }

  void load_members() {
    statement s;
    prepare(s, "SELECT name, address FROM members ORDER BY seen DESC LIMIT ?1");
    sqlite3_bind_int64(s.get(), 1, static_cast<int64_t>(data_dir::max_members));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      known_member m;
      m.name = column_bytes(s.get(), 0, lim.max_name_bytes, "a member's name");
      m.address = column_bytes(s.get(), 1, 1024, "a member's address");
      if (!check_name(m.name, lim).empty() || !parse_host_port(m.address))
        corrupt("a member");
      members.push_back(std::move(m));
    }
    check(rc, "cannot read its members");
  }

  // Opening, in the order that never writes to a file that is not ours.
  void open() {
    make_dir();
    connect();
    bool fresh = recognise();
    start_wal();
    exec("BEGIN IMMEDIATE", "cannot write it");
    if (fresh)
      create();
    load_meta();
    // A new life: its incarnation outbids every earlier one.
    ++incarnation;
    prepare(put_meta, "INSERT OR REPLACE INTO meta(name, value) VALUES (?1, ?2)");
    write_meta("incarnation", incarnation);
    exec("COMMIT", "cannot write it");
    load_entries();
    load_members();
    prepare(put_entry, "INSERT OR REPLACE INTO entries(key, value, version, origin, "
                       "tombstone) VALUES (?1, ?2, ?3, ?4, ?5)");
    prepare(del_entry, "DELETE FROM entries WHERE key = ?1");
    prepare(put_member, "INSERT OR REPLACE INTO members(name, address, seen) "
                        "VALUES (?1, ?2, ?3)");
    prepare(prune_members, "DELETE FROM members WHERE name NOT IN (SELECT name FROM "
                           "members ORDER BY seen DESC LIMIT ?1)");
  }

  // -- writing -----------------------------------------------------------------

  void step(statement& s, const char* what) {
    int rc = sqlite3_step(s.get());
    s.reset();
    if (rc != SQLITE_DONE)
      fail(std::string{"cannot write "} + what + ": " + sqlite_says());
  }

  void write_meta(const char* key, uint64_t value) {
    bind_text(put_meta.get(), 1, key, false);
    sqlite3_bind_int64(put_meta.get(), 2, static_cast<int64_t>(value));
    step(put_meta, "its meta rows");
  }

  void write_entry(const std::string& key, const entry* e) {
    if (!e) {
      bind_text(del_entry.get(), 1, key, true);
      return step(del_entry, "an entry");
    }
    auto s = put_entry.get();
    bind_text(s, 1, key, true);
    bind_text(s, 2, e->value, true);
    sqlite3_bind_int64(s, 3, static_cast<int64_t>(e->version));
    bind_text(s, 4, e->origin, true);
    sqlite3_bind_int(s, 5, e->tombstone ? 1 : 0);
    step(put_entry, "an entry");
  }

  void write_members(const std::vector<known_member>& ms) {
    auto seen = now_ms();
    for (auto& m : ms) {
      bind_text(put_member.get(), 1, m.name, true);
      bind_text(put_member.get(), 2, m.address, false);
      sqlite3_bind_int64(put_member.get(), 3, seen);
      step(put_member, "a member");
    }
    sqlite3_bind_int64(prune_members.get(), 1,
                       static_cast<int64_t>(data_dir::max_members));
    step(prune_members, "its members");
  }

  void set_sync(durability how) {
    if (how == sync)
      return;
    exec(how == durability::synced ? "PRAGMA synchronous=FULL"
                                   : "PRAGMA synchronous=NORMAL",
         "cannot set its sync mode");
    sync = how;
  }
};

data_dir::data_dir(const std::string& dir, const std::string& name, const limits& lim)
    : impl_(std::make_unique<impl>()) {
  impl_->dir = dir;
  impl_->file = dir + "/" + file_name;
  impl_->name = name;
  impl_->lim = lim;
  impl_->open();
}

data_dir::~data_dir() = default;

const std::string& data_dir::file() const {
  return impl_->file;
}

std::vector<keyed_entry> data_dir::take_entries() {
  return std::exchange(impl_->entries, {});
}

uint64_t data_dir::clock() const {
  return impl_->clock;
}

uint64_t data_dir::incarnation() const {
  return impl_->incarnation;
}

const std::vector<known_member>& data_dir::members() const {
  return impl_->members;
}

void data_dir::commit(const store& data, const batch& b, durability how) {
  auto& d = *impl_;
  d.set_sync(how);
  d.exec("BEGIN IMMEDIATE", "cannot write it");
  try {
    for (auto& key : b.keys)
      d.write_entry(key, data.find(key));
    d.write_meta("clock", data.clock());
    if (b.incarnation != 0)
      d.write_meta("incarnation", b.incarnation);
    if (!b.members.empty())
      d.write_members(b.members);
    d.exec("COMMIT", "cannot commit");
  } catch (...) {
    sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

} // namespace gossip
