// A data directory filled before its node starts: how the large-store tests
// and measurements get a store of 100,000s of keys without as many puts.
#pragma once

#include <cstdio>
#include <string>

#include "gossip/data_dir.hpp"

namespace gossip::test {

/// The i-th preloaded key: fixed width, so key order is i order.
inline std::string preload_key(size_t i) {
  char key[32];
  std::snprintf(key, sizeof key, "key%07zu", i);
  return key;
}

/// Writes `keys` entries (16-byte values, origin `name`) into DIR for node
/// `name`, in batches as a node commits what it merges.
inline void preload(const std::string& dir, const std::string& name, size_t keys) {
  store s;
  s.track_changes();
  data_dir d{dir, name};
  for (size_t i = 0; i < keys; ++i) {
    s.put(preload_key(i), "value-" + std::string(10, static_cast<char>('a' + i % 26)),
          name);
    if ((i + 1) % 10000 == 0 || i + 1 == keys) {
      data_dir::batch b;
      b.keys = s.take_changes();
      d.commit(s, b, durability::written);
    }
  }
}

} // namespace gossip::test
