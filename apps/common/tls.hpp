// TLS for gossip-node and gossip-ctl through CAF's OpenSSL module: options,
// their checks, and the system configuration they imply.
#pragma once

#include <caf/fwd.hpp>

#include <string>
#include <vector>

#include "cli.hpp"

namespace gossip::tls {

/// --tls, --tls-cert, --tls-key, --tls-ca (and --tls-passphrase).
const std::vector<cli::option>& options();

struct settings {
  bool enabled = false;
  std::string cert, key, ca, passphrase;
};

/// Reads the options; throws std::invalid_argument when --tls lacks a file
/// or a file cannot be read.
settings read(const params& ps);

/// Loads the OpenSSL module (after the middleman) and sets its files; every
/// peer must present a certificate signed by the CA.
void configure(caf::actor_system_config& cfg, const settings& s);

} // namespace gossip::tls
