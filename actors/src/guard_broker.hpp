// The guard broker (guard.hpp says what it guards) and the helper that makes
// one outgoing TCP connection for it. Messages it understands:
//   (publish_atom, host, port, node, sigs) -> port      listen, frames checked
//   (publish_atom, host, port, backend_port) -> port    listen, raw (TLS)
//   (connect_atom, host, port) -> (node_id, strong_actor_ptr, set<string>)
//   (get_atom) -> (rejected, timed_out, refused, peers)
#pragma once

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <string>

#include "gossip/guard.hpp"

namespace gossip::guard {

/// The helper's answer: (dialed_atom, id, scribe_ptr) or (dialed_atom, id, error).
using dialed_atom = caf::atom_constant<caf::atom("gdialed")>;

/// Spawns a guard broker (hidden: it does not hold up the system's shutdown).
caf::actor spawn_broker(caf::actor_system& sys, const settings& cfg);

/// Connects to host:port within `timeout` on its own thread (a blocking
/// actor, spawned once per connect), then tells `guard` (dialed_atom, id,
/// scribe or error) and ends.
void connector(caf::blocking_actor* self, caf::actor guard, uint64_t id, std::string host,
               uint16_t port, std::chrono::milliseconds timeout);

/// Whether OpenSSL's error queue is emptied before each TLS call
/// (tls_errors.cpp; false when libssl is not loaded).
bool tls_errors_cleared();

} // namespace gossip::guard
