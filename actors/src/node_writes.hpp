// The node's write path (node_writes.cpp), for the node actor's interface.
#pragma once

#include <caf/make_message.hpp>
#include <caf/result.hpp>

#include <cstdint>
#include <string>

#include "gossip/data_dir.hpp"
#include "gossip/replicas.hpp"
#include "node_state.hpp"

namespace gossip {

/// Commits what changed to the data directory, if there is one; empty on
/// success, else why (reported once on stderr).
std::string persist(node_actor* self, durability how);

/// A local put: its version, or why it was refused (invalid, clock
/// exhausted, store quota) or is not durable (the commit failed).
caf::result<uint64_t> put(node_actor* self, const std::string& key,
                          const std::string& value);

/// A local delete: false when there was nothing to delete.
caf::result<bool> erase(node_actor* self, const std::string& key);

/// The same with a write level: answered once enough members hold it.
caf::result<hold_report> put_with_level(node_actor* self, const std::string& key,
                                        const std::string& value,
                                        const write_level& level);
caf::result<hold_report> erase_with_level(node_actor* self, const std::string& key,
                                          const write_level& level);

} // namespace gossip
