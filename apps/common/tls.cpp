#include "tls.hpp"

#include <arpa/inet.h>

#include <caf/actor_system_config.hpp>
#include <caf/openssl/manager.hpp>

#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "gossip/address.hpp"
#include "node_options.hpp"
#include "ossl.hpp"

namespace gossip::tls {

namespace {

std::string quoted(const char* option, const std::string& path) {
  return std::string{option} + " '" + path + "'";
}

using store_ptr = std::unique_ptr<X509_STORE, ossl::deleter<X509_STORE, X509_STORE_free>>;
using store_ctx_ptr =
    std::unique_ptr<X509_STORE_CTX, ossl::deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
struct stack_free { // sk_X509_free is a macro
  void operator()(STACK_OF(X509) * x) const { sk_X509_free(x); }
};

// What CAF's OpenSSL module would load at the first connection, loaded now:
// a key that is not the certificate's, a certificate the CA did not sign or
// one that does not fit the role are reported before anything listens.
void verify(const settings& s, role r) {
  std::string text;
  ossl::read_file(s.cert, text);
  auto chain = ossl::read_certs(text);
  if (chain.empty())
    throw std::invalid_argument(quoted("--tls-cert", s.cert) +
                                " holds no PEM certificate");
  ossl::read_file(s.key, text);
  bool encrypted = false;
  auto key = ossl::read_key(text, s.passphrase, encrypted);
  if (!key)
    throw std::invalid_argument(quoted("--tls-key", s.key) +
                                (!encrypted ? " holds no PEM private key"
                                 : s.passphrase.empty()
                                     ? " is encrypted: --tls-passphrase is missing"
                                     : ": wrong --tls-passphrase"));
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument(quoted("--tls-key", s.key) + " does not match " +
                                quoted("--tls-cert", s.cert));
  }
  ossl::read_file(s.ca, text);
  auto cas = ossl::read_certs(text);
  if (cas.empty())
    throw std::invalid_argument(quoted("--tls-ca", s.ca) + " holds no PEM certificate");
  store_ptr store{X509_STORE_new()};
  std::unique_ptr<STACK_OF(X509), stack_free> untrusted{sk_X509_new_null()};
  if (!store || !untrusted)
    throw std::runtime_error("out of memory");
  for (auto& ca : cas)
    X509_STORE_add_cert(store.get(), ca.get());
  for (size_t i = 1; i < chain.size(); ++i)
    sk_X509_push(untrusted.get(), chain[i].get());
  // The purposes libssl checks in a handshake: the accepting side verifies
  // its peer as an "ssl_client", the connecting side as an "ssl_server".
  std::vector<const char*> purposes{"ssl_client"};
  if (r == role::node)
    purposes.push_back("ssl_server");
  for (auto purpose : purposes) {
    store_ctx_ptr ctx{X509_STORE_CTX_new()};
    if (!ctx ||
        X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(),
                            untrusted.get()) != 1 ||
        X509_STORE_CTX_set_default(ctx.get(), purpose) != 1)
      throw std::runtime_error("cannot verify certificates: " + ossl::last_error());
    if (X509_verify_cert(ctx.get()) == 1)
      continue;
    auto err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    auto reason = std::string{" ("} + X509_verify_cert_error_string(err) + ")";
    if (err == X509_V_ERR_INVALID_PURPOSE)
      throw std::invalid_argument(
          quoted("--tls-cert", s.cert) +
          (std::strcmp(purpose, "ssl_server") == 0
               ? " cannot run a node: it is not for TLS servers"
               : " is not for TLS clients") +
          reason +
          (std::strcmp(purpose, "ssl_server") == 0
               ? "; gossip-ctl certs node NAME makes a node certificate"
               : ""));
    if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
        err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
        err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
        err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
        err == X509_V_ERR_CERT_SIGNATURE_FAILURE)
      throw std::invalid_argument(quoted("--tls-cert", s.cert) + " is not signed by " +
                                  quoted("--tls-ca", s.ca) + reason);
    throw std::invalid_argument(quoted("--tls-cert", s.cert) + " is not valid with " +
                                quoted("--tls-ca", s.ca) + reason);
  }
}

} // namespace

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

const std::vector<cli::option>& node_options() {
  using cli::operator+;
  static const std::vector<cli::option> xs =
      options() + std::vector<cli::option>{
                      {"insecure", "",
                       "allow a host or seeds off loopback without TLS: no "
                       "authentication, no encryption"},
                  };
  return xs;
}

settings read(const params& ps, role r) {
  settings s;
  s.enabled = ps.get_bool("tls", false);
  s.insecure = ps.get_bool("insecure", false);
  s.cert = ps.get_string("tls-cert", "");
  s.key = ps.get_string("tls-key", "");
  s.ca = ps.get_string("tls-ca", "");
  s.passphrase = ps.get_string("tls-passphrase", "");
  if (!s.enabled) {
    if (!s.cert.empty() || !s.key.empty() || !s.ca.empty())
      throw std::invalid_argument("--tls-cert, --tls-key and --tls-ca need --tls");
    return s;
  }
  if (s.insecure)
    throw std::invalid_argument("--tls and --insecure exclude each other");
  for (auto [name, path] :
       {std::pair{"--tls-cert", &s.cert}, std::pair{"--tls-key", &s.key},
        std::pair{"--tls-ca", &s.ca}}) {
    if (path->empty())
      throw std::invalid_argument(std::string{"--tls needs "} + name + "=FILE");
    std::string text;
    if (!ossl::read_file(*path, text))
      throw std::invalid_argument(std::string{"cannot read "} + name + " file '" + *path +
                                  "'");
  }
  verify(s, r);
  return s;
}

bool is_loopback(const std::string& host) {
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost" || lower == "localhost.")
    return true;
  in_addr v4;
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6) ||
           (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  return false;
}

void require_tls_off_loopback(const settings& s, const std::string& host,
                              const std::vector<std::string>& seeds,
                              const std::string& advertise) {
  if (s.enabled)
    return;
  std::string exposed;
  if (!is_loopback(host))
    exposed = "--host=" + host;
  else if (!advertise.empty() && !is_loopback(advertise))
    exposed = "--advertise=" + advertise;
  for (auto& seed : seeds)
    if (auto hp = parse_host_port(seed); exposed.empty() && hp && !is_loopback(hp->host))
      exposed = "seed " + seed;
  if (exposed.empty())
    return;
  if (!s.insecure)
    throw std::invalid_argument(
        exposed + " is not loopback: run with --tls (gossip-ctl certs makes "
                  "the files) or, knowingly, --insecure");
  std::cerr << "gossip-node: warning: --insecure: " << exposed
            << " is not loopback, and nothing is authenticated or encrypted: whoever "
               "reaches this node can read and write its store\n";
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
