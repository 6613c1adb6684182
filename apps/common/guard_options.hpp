// gossip-node's connection limits: the options of the guard in front of BASP
// (gossip/guard.hpp), their checks, and the heartbeats they imply.
#pragma once

#include <caf/fwd.hpp>

#include <vector>

#include "cli.hpp"
#include "gossip/guard.hpp"

namespace gossip::cli {

/// --max-frame, --handshake-timeout, --idle-timeout, --max-peers.
const std::vector<option>& guard_options();

/// Reads them over guard::settings' defaults; throws std::invalid_argument
/// (one line) for a bad value, or for a --max-peers that does not fit under
/// RLIMIT_NOFILE. The default --max-peers is lowered to fit (said on stderr).
guard::settings read_guard(const params& ps);

/// Every node sends BASP heartbeats well within the idle timeout: sets
/// middleman.heartbeat-interval to a third of it unless a config file set
/// one, which must then be below it (else std::invalid_argument).
void configure_heartbeats(caf::actor_system_config& cfg, const guard::settings& s);

} // namespace gossip::cli
