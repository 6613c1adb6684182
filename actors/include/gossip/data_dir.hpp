// A node's data directory: its store, Lamport clock, incarnation and last
// known members in DIR/gossip.db, an SQLite database in WAL mode (README:
// Durability says why SQLite and what each sync mode costs).
//
// Opening checks before anything is written: the file is SQLite, is ours
// (application_id) and of a schema we read (user_version), belongs to this
// node's name, passes integrity_check, and no other process holds it (SQLite's
// exclusive locking mode keeps the lock for the life of the process). Every
// row loaded is validated like an entry from the network. Any failure is a
// data_dir_error with a one-line reason; nothing is ever started empty over
// a file that could not be read.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "gossip/limits.hpp"
#include "gossip/store.hpp"

namespace gossip {

/// Why a data directory cannot be opened or written: one line.
class data_dir_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A member this node knew: where to rejoin when its seeds are gone.
struct known_member {
  std::string name;
  std::string address;
};

/// How far a commit goes before it returns.
enum class durability : uint8_t {
  /// fsync'd: survives a power loss (a local write, before its "ok").
  synced,
  /// In the WAL file, fsync'd with the next synced commit or checkpoint:
  /// survives a crash of the process, not of the machine (entries merged
  /// from peers, which they still hold; members; the incarnation).
  written,
};

class data_dir {
public:
  static constexpr const char* file_name = "gossip.db";
  /// "CAFG": marks the file as ours (PRAGMA application_id).
  static constexpr int32_t application_id = 0x43414647;
  /// The schema this build writes and reads (PRAGMA user_version).
  static constexpr int32_t schema_version = 1;
  /// Last known members kept (the most recently seen).
  static constexpr size_t max_members = 64;

  /// Opens (creating when needed) DIR/gossip.db for node `name`, takes its
  /// lock for as long as this object lives, loads what the previous life
  /// kept and starts a new life (incarnation + 1, committed). Throws
  /// data_dir_error.
  data_dir(const std::string& dir, const std::string& name, const limits& lim = {});
  ~data_dir();
  data_dir(const data_dir&) = delete;
  data_dir& operator=(const data_dir&) = delete;

  const std::string& file() const;

  // -- what the previous life kept (loaded by the constructor) ---------------
  /// The entries, validated; handed over once (the vector is emptied).
  std::vector<keyed_entry> take_entries();
  uint64_t clock() const;
  /// This life's incarnation: one above the last one kept (1 when new).
  uint64_t incarnation() const;
  /// The last known members, most recently seen first.
  const std::vector<known_member>& members() const;

  // -- writing ---------------------------------------------------------------
  /// What changed since the last commit.
  struct batch {
    /// Written as the store holds them now; a key it no longer holds is
    /// deleted (a collected tombstone).
    std::set<std::string> keys;
    std::vector<known_member> members;
    /// 0: unchanged.
    uint64_t incarnation = 0;
  };
  /// One transaction: the batch and the store's clock. Throws data_dir_error
  /// (disk full, I/O error); nothing of the batch is kept then.
  void commit(const store& data, const batch& b, durability how);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gossip
