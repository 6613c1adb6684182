// gossip-node's settings: what the command line and a config file's
// [gossip] section say, checked, and the names and ports of the K nodes one
// process hosts (--nodes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "advertise.hpp"
#include "caf_config.hpp"
#include "cli.hpp"
#include "gossip/address.hpp"
#include "gossip/data_dir.hpp"
#include "gossip/guard.hpp"
#include "gossip/node.hpp"
#include "tls.hpp"

namespace gossip::node_app {

/// The most nodes one process hosts (--nodes): a 2-core machine holds 1,000
/// nodes in a few processes, each of which keeps a port and a few file
/// descriptors per node.
constexpr size_t max_nodes = 1000;

struct settings {
  /// The template of every node: names differ, the rest is shared.
  node_config node;
  /// One name and one port (0: a free one) per node; one of each by default.
  std::vector<std::string> names;
  std::vector<uint16_t> ports;
  std::string host;
  std::optional<cli::advertise_spec> advertise;
  /// The membership protocol: "swim" (full membership) or "hyparview".
  std::string overlay = "swim";
  std::string protocols;
  bool json = false;
  size_t threads = 1;
  std::string data_dir;
  std::optional<host_port> metrics;
  tls::settings tls;
  guard::settings guard;

  size_t nodes() const { return names.size(); }
  /// The parameter the overlay reads its seeds from: "swim.seeds", ...
  std::string seeds_key() const { return overlay + ".seeds"; }
};

/// Reads a config file into `ps` (the command line wins) and `caf`; throws
/// std::invalid_argument for a key not in `known`.
void load_config_file(const std::string& path, const std::vector<cli::option>& known,
                      params& ps, cli::caf_settings& caf);

/// The node's own options; the protocols read theirs from the same
/// parameters (scoped reads), below which lies the preset.
settings read_settings(params& ps);

/// The last known members join the seeds, so that a node whose seeds are gone
/// rejoins through them. True if the seeds changed.
bool add_known_members(params& ps, const data_dir& dir, const settings& s);

/// Adds `address` to the overlay's seeds in `ps`.
void add_seed(params& ps, const settings& s, const std::string& address);

} // namespace gossip::node_app
