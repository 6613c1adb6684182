// Every message type the runtime sends, registered with CAF in one place.
#pragma once

namespace caf {
class actor_system_config;
}

namespace gossip {

/// Adds the node's own types and every protocol's (registry.hpp) to `cfg`.
/// Call once per config before constructing the actor_system.
void register_types(caf::actor_system_config& cfg);

} // namespace gossip
