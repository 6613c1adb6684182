// The bytes a message takes on the wire as CAF 0.17 sends it between
// processes: each value's type name, then the value. What a node counts
// (accounting.cpp) and what gossip-sim's world counts, alike.
//
// A protocol's message type is sized by its wire_size (registry.hpp's
// sizers), its type name once per type by CAF's inspector; any other
// message wholly by CAF's inspector, which costs a virtual call and a
// caf::error per field.
#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <typeinfo>
#include <utility>

namespace gossip {

class message_size {
public:
  explicit message_size(caf::actor_system& sys) : sys_(sys) {}

  /// The same for a message and for its content as a plain tuple (what a
  /// mailbox element holds when the message was sent as values).
  size_t of(const caf::type_erased_tuple& x);

private:
  size_t by_caf(const caf::type_erased_tuple& x) const;
  size_t value_by_caf(const caf::type_erased_tuple& x) const;

  caf::actor_system& sys_;
  struct sized_type {
    size_t header = 0;                      // the type name's bytes
    size_t (*value)(const void*) = nullptr; // nullptr: by CAF's inspector
  };
  std::map<std::pair<uint16_t, const std::type_info*>, sized_type> types_;
};

} // namespace gossip
