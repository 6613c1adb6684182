// A node actor resumed on the middleman's I/O thread (node_config::io_thread).
#pragma once

#include <caf/actor.hpp>
#include <caf/behavior.hpp>

#include <functional>

#include "node_state.hpp"

namespace gossip {

/// Spawns a node actor with the behavior `make` returns, run on the I/O
/// thread of `sys`'s middleman (which must be loaded).
caf::actor spawn_on_io_thread(caf::actor_system& sys,
                              std::function<caf::behavior(node_actor*)> make);

} // namespace gossip
