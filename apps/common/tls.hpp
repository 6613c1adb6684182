// TLS for gossip-node and gossip-ctl through CAF's OpenSSL module: options,
// their checks (the files are loaded and verified with the OpenSSL library
// before anything listens or connects), the system configuration they imply,
// and the rule that a node off loopback runs with TLS or --insecure.
#pragma once

#include <caf/fwd.hpp>

#include <string>
#include <vector>

#include "cli.hpp"

namespace gossip::tls {

/// --tls, --tls-cert, --tls-key, --tls-ca (and --tls-passphrase).
const std::vector<cli::option>& options();

/// options() and --insecure: gossip-node's.
const std::vector<cli::option>& node_options();

/// Who presents the certificate: a node is a TLS server and client (its
/// certificate needs serverAuth and clientAuth), gossip-ctl a client only.
enum class role { node, client };

struct settings {
  bool enabled = false;
  bool insecure = false;
  std::string cert, key, ca, passphrase;
};

/// Reads the options and, with --tls, loads the files and checks them: the
/// key is the certificate's, the CA signs the certificate, and the
/// certificate is valid now for `r`. Throws std::invalid_argument, with a
/// one-line reason, when anything is missing or wrong.
settings read(const params& ps, role r = role::node);

/// True for 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and localhost.
bool is_loopback(const std::string& host);

/// A node that listens on `host`, advertises `advertise` (a host; empty:
/// `host`), or joins through `seeds` (host:port), anywhere but loopback
/// needs TLS: throws std::invalid_argument without it, unless --insecure
/// was given; then it warns once on stderr.
void require_tls_off_loopback(const settings& s, const std::string& host,
                              const std::vector<std::string>& seeds,
                              const std::string& advertise = {});

/// Loads the OpenSSL module (after the middleman) and sets its files; every
/// peer must present a certificate signed by the CA.
void configure(caf::actor_system_config& cfg, const settings& s);

} // namespace gossip::tls
