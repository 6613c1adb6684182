#include "certs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "ossl.hpp"

namespace gossip::certs {

namespace {

using ossl::bio_ptr;
using ossl::key_ptr;
using ossl::x509_ptr;

[[noreturn]] void openssl_failed(const std::string& what) {
  throw std::runtime_error(what + ": " + ossl::last_error());
}

key_ptr new_key() {
  std::unique_ptr<EVP_PKEY_CTX, ossl::deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx{
      EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr)};
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), NID_X9_62_prime256v1) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &key) != 1)
    openssl_failed("cannot make a key");
  return key_ptr{key};
}

// A random positive 127-bit serial number.
void set_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1)
    openssl_failed("no random serial number");
  bytes[0] &= 0x7f;
  std::unique_ptr<BIGNUM, ossl::deleter<BIGNUM, BN_free>> bn{
      BN_bin2bn(bytes, sizeof(bytes), nullptr)};
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)))
    openssl_failed("cannot set a serial number");
}

void add_name(X509_NAME* name, const char* field, const std::string& value) {
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()),
                                 -1, -1, 0) != 1)
    openssl_failed(std::string{"cannot set "} + field + "=" + value);
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext)
    openssl_failed(std::string{"cannot add "} + OBJ_nid2sn(nid));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1)
    openssl_failed(std::string{"cannot add "} + OBJ_nid2sn(nid));
}

// A certificate for `key` with `subject`, unsigned: version 3, a random
// serial, valid from an hour ago for `days`.
x509_ptr new_cert(EVP_PKEY* key,
                  const std::vector<std::pair<const char*, std::string>>& subject,
                  long days) {
  x509_ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), 2) != 1)
    openssl_failed("cannot make a certificate");
  set_serial(cert.get());
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(days), 0,
                        nullptr))
    openssl_failed("cannot set the validity");
  for (auto& [field, value] : subject)
    add_name(X509_get_subject_name(cert.get()), field, value);
  if (X509_set_pubkey(cert.get(), key) != 1)
    openssl_failed("cannot set the public key");
  return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0)
    openssl_failed("cannot sign the certificate");
}

std::string key_pem(EVP_PKEY* key) {
  bio_ptr out{BIO_new(BIO_s_mem())};
  if (!out || PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1)
    openssl_failed("cannot write the key");
  char* data = nullptr;
  auto n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string cert_pem(X509* cert) {
  bio_ptr out{BIO_new(BIO_s_mem())};
  if (!out || PEM_write_bio_X509(out.get(), cert) != 1)
    openssl_failed("cannot write the certificate");
  char* data = nullptr;
  auto n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

void refuse_existing(const std::vector<std::string>& paths) {
  for (auto& p : paths)
    if (exists(p))
      throw std::invalid_argument("'" + p + "' already exists; not overwriting it");
}

// Creates `path` (it must not exist) with `mode`, whatever the umask.
void write_new(const std::string& path, const std::string& data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST)
      throw std::invalid_argument("'" + path + "' already exists; not overwriting it");
    throw std::invalid_argument("cannot create '" + path + "': " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < data.size();) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    done += ok ? static_cast<size_t>(n) : 0;
  }
  int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    throw std::invalid_argument("cannot write '" + path + "': " + std::strerror(err));
  }
}

// Writes a key and its certificate; neither stays behind if one fails.
std::vector<std::string> write_pair(const std::string& key_path, EVP_PKEY* key,
                                    const std::string& cert_path, X509* cert) {
  auto k = key_pem(key);
  auto c = cert_pem(cert);
  write_new(key_path, k, 0600);
  try {
    write_new(cert_path, c, 0644);
  } catch (...) {
    ::unlink(key_path.c_str());
    throw;
  }
  return {cert_path, key_path};
}

std::string join(const std::string& dir, const std::string& file) {
  return dir.empty() || dir.back() == '/' ? dir + file : dir + "/" + file;
}

} // namespace

std::string check_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return "a certificate name has 1 to 64 characters";
  if (!std::isalnum(static_cast<unsigned char>(name[0])))
    return "a certificate name starts with a letter or a digit";
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
      return "a certificate name has only letters, digits, '.', '_' and '-'";
  if (name == "ca")
    return "'ca' names the CA's own files";
  return {};
}

std::vector<std::string> init(const std::string& dir) {
  auto key_path = join(dir, "ca.key");
  auto cert_path = join(dir, "ca.pem");
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT || ::mkdir(dir.c_str(), 0700) != 0)
      throw std::invalid_argument("cannot create the directory '" + dir +
                                  "': " + std::strerror(errno));
  } else if (!S_ISDIR(st.st_mode)) {
    throw std::invalid_argument("'" + dir + "' is not a directory");
  }
  refuse_existing({key_path, cert_path});
  auto key = new_key();
  // A random tag tells one cluster's CA from another's by name too.
  unsigned char tag[4];
  if (RAND_bytes(tag, sizeof(tag)) != 1)
    openssl_failed("no random bytes");
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
  auto cert = new_cert(key.get(),
                       {{"O", "caf-gossip"}, {"CN", std::string{"caf-gossip CA "} + hex}},
                       ca_days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_extension(cert.get(), cert.get(), NID_basic_constraints,
                "critical,CA:TRUE,pathlen:0");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always");
  sign(cert.get(), key.get());
  return write_pair(key_path, key.get(), cert_path, cert.get());
}

std::vector<std::string> issue(const std::string& dir, const std::string& name, kind k) {
  if (auto err = check_name(name); !err.empty())
    throw std::invalid_argument("invalid name '" + name + "': " + err);
  auto key_path = join(dir, name + ".key");
  auto cert_path = join(dir, name + ".pem");
  refuse_existing({key_path, cert_path});
  std::string ca_key_text, ca_cert_text;
  auto ca_key_path = join(dir, "ca.key");
  auto ca_cert_path = join(dir, "ca.pem");
  if (!ossl::read_file(ca_key_path, ca_key_text) ||
      !ossl::read_file(ca_cert_path, ca_cert_text))
    throw std::invalid_argument("no CA in '" + dir + "' (cannot read " + ca_key_path +
                                " and " + ca_cert_path + "; make one with certs init)");
  bool encrypted = false;
  auto ca_key = ossl::read_key(ca_key_text, {}, encrypted);
  if (!ca_key)
    throw std::invalid_argument("'" + ca_key_path + "' is not an unencrypted PEM key");
  auto ca_certs = ossl::read_certs(ca_cert_text);
  if (ca_certs.empty())
    throw std::invalid_argument("'" + ca_cert_path + "' holds no PEM certificate");
  X509* ca = ca_certs.front().get();
  if (X509_check_private_key(ca, ca_key.get()) != 1) {
    ERR_clear_error();
    throw std::invalid_argument("'" + ca_key_path + "' is not the key of '" +
                                ca_cert_path + "'");
  }
  auto key = new_key();
  auto cert = new_cert(
      key.get(),
      {{"O", "caf-gossip"}, {"OU", k == kind::node ? "node" : "client"}, {"CN", name}},
      cert_days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca));
  add_extension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca, NID_ext_key_usage,
                k == kind::node ? "serverAuth,clientAuth" : "clientAuth");
  add_extension(cert.get(), ca, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), ca, NID_authority_key_identifier, "keyid:always");
  sign(cert.get(), ca_key.get());
  return write_pair(key_path, key.get(), cert_path, cert.get());
}

const std::vector<cli::option>& options() {
  static const std::vector<cli::option> xs{
      {"dir", "DIR", "certs: where the CA and the certificates are (default .)"},
  };
  return xs;
}

int command(const std::string& program, const std::vector<std::string>& words,
            const std::string& dir) {
  try {
    std::vector<std::string> written;
    auto what = words.empty() ? std::string{} : words[0];
    if (what == "init" && words.size() == 1)
      written = init(dir);
    else if ((what == "node" || what == "client") && words.size() == 2)
      written = issue(dir, words[1], what == "node" ? kind::node : kind::client);
    else
      throw std::invalid_argument(
          "usage: certs init | certs node NAME | certs client NAME "
          "[--dir=DIR]");
    for (auto& f : written)
      std::cout << "wrote " << f << "\n";
    return 0;
  } catch (const std::invalid_argument& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace gossip::certs
