// A cluster's certificates, made with the OpenSSL library: a CA of its own
// (`gossip-ctl certs init`), and node or client certificates it signs
// (`certs node NAME`, `certs client NAME`). gossip-cluster --netns makes a
// throwaway set the same way.
//
// Keys are ECDSA P-256, written 0600; certificates are SHA-256 signed, valid
// from an hour ago (clock skew) for ca_days (the CA) or cert_days. A node
// certificate (OU=node) is for TLS servers and clients (extendedKeyUsage
// serverAuth, clientAuth): a node accepts connections and makes them. A client
// certificate (OU=client) is for TLS clients only (clientAuth), so OpenSSL
// refuses it on the accepting side of a handshake: it can drive a node, it
// cannot run one.
#pragma once

#include <string>
#include <vector>

#include "cli.hpp"

namespace gossip::certs {

enum class kind { node, client };

constexpr long ca_days = 3650;
constexpr long cert_days = 825;

/// Empty when `name` can be a certificate's CN and its file names (letters,
/// digits, '.', '_', '-'; 1 to 64 bytes, starting with a letter or digit;
/// not "ca"), else what is wrong with it.
std::string check_name(const std::string& name);

/// Creates `dir` if missing (0700) and in it ca.key and ca.pem, a new CA.
/// Returns the files written. Throws std::invalid_argument for bad input
/// (a file already there, a directory that cannot be made), and
/// std::runtime_error when OpenSSL fails.
std::vector<std::string> init(const std::string& dir);

/// DIR/NAME.key and DIR/NAME.pem, CN=NAME, signed by DIR/ca.key and
/// DIR/ca.pem. Throws as init does (also for a bad name or a missing CA).
std::vector<std::string> issue(const std::string& dir, const std::string& name, kind k);

/// --dir, where `certs` reads and writes.
const std::vector<cli::option>& options();

/// `certs init | node NAME | client NAME` (the words after "certs"): prints
/// the files written, or a one-line error (prefixed `program: error: `).
/// Returns the exit code: 0, 2 for bad input, 1 when OpenSSL fails.
int command(const std::string& program, const std::vector<std::string>& words,
            const std::string& dir);

} // namespace gossip::certs
