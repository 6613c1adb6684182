// Hosting the process's nodes: one actor system (one middleman, so CAF
// carries every node's messages to another process over one connection), K
// node actors, each published on its own port through the connection guard,
// until SIGTERM or SIGINT; then each leaves gracefully.
#pragma once

#include <memory>
#include <vector>

#include "gossip/protocol.hpp"
#include "settings.hpp"

namespace gossip::node_app {

/// Runs the nodes of `s`: node 0 with `first` (its protocols, made and
/// checked by main), the others with protocols made from `ps` once node 0
/// listens, its address among their seeds. Returns the exit code.
int run(settings& s, caf::actor_system_config& cfg, params& ps,
        std::vector<std::unique_ptr<protocol>> first);

} // namespace gossip::node_app
