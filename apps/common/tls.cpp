#include "tls.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/openssl/manager.hpp>

#include <fstream>
#include <stdexcept>

namespace gossip::tls {

const std::vector<cli::option>& options() {
  static const std::vector<cli::option> xs{
      {"tls", "",
       "talk TLS (CAF's OpenSSL module); needs --tls-cert, --tls-key, --tls-ca"},
      {"tls-cert", "FILE", "this process's certificate chain (PEM)"},
      {"tls-key", "FILE", "its private key (PEM)"},
      {"tls-ca", "FILE", "the CA that signs every peer's certificate (PEM)"},
      {"tls-passphrase", "TEXT", "passphrase of an encrypted key"},
  };
  return xs;
}

settings read(const params& ps) {
  settings s;
  s.enabled = ps.get_bool("tls", false);
  s.cert = ps.get_string("tls-cert", "");
  s.key = ps.get_string("tls-key", "");
  s.ca = ps.get_string("tls-ca", "");
  s.passphrase = ps.get_string("tls-passphrase", "");
  if (!s.enabled) {
    if (!s.cert.empty() || !s.key.empty() || !s.ca.empty())
      throw std::invalid_argument("--tls-cert, --tls-key and --tls-ca need --tls");
    return s;
  }
  for (auto [name, path] :
       {std::pair{"--tls-cert", &s.cert}, std::pair{"--tls-key", &s.key},
        std::pair{"--tls-ca", &s.ca}}) {
    if (path->empty())
      throw std::invalid_argument(std::string{"--tls needs "} + name + "=FILE");
    if (!std::ifstream{*path})
      throw std::invalid_argument(std::string{"cannot read "} + name + " file '" + *path +
                                  "'");
  }
  return s;
}

void configure(caf::actor_system_config& cfg, const settings& s) {
  if (!s.enabled)
    return;
  cfg.load<caf::openssl::manager>();
  cfg.set("openssl.certificate", s.cert);
  cfg.set("openssl.key", s.key);
  cfg.set("openssl.cafile", s.ca);
  if (!s.passphrase.empty())
    cfg.set("openssl.passphrase", s.passphrase);
}

} // namespace gossip::tls
