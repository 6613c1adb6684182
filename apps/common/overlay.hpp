// --overlay=full|hyparview, as gossip-node, gossip-cluster and gossip-bench
// read it: which membership protocol every node runs.
#pragma once

#include <string>

namespace gossip::cli {

/// The membership protocol --overlay names: "swim" for full (the default),
/// "hyparview" for partial views. Throws std::invalid_argument for another
/// value, and for a protocol this build does not register (the registry's
/// own "unknown protocol" error), so that a launcher refuses it before it
/// starts a process.
std::string overlay_protocol(const std::string& overlay);

} // namespace gossip::cli
