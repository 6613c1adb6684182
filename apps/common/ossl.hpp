// The little of the OpenSSL library that certs.cpp and tls.cpp share: owning
// pointers, PEM files read without ever prompting on a terminal, and the
// library's last error as text.
#pragma once

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace gossip::ossl {

template <class T, void (*Free)(T*)> struct deleter {
  void operator()(T* x) const { Free(x); }
};
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using key_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;

/// The oldest queued OpenSSL error as text (or `fallback`); clears the queue.
inline std::string last_error(const char* fallback = "unknown OpenSSL error") {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return fallback;
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : fallback;
}

/// The whole file, or nothing if it cannot be read.
inline bool read_file(const std::string& path, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return false;
  out.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
  return !in.bad();
}

/// Every PEM certificate in `text`, in order.
inline std::vector<x509_ptr> read_certs(const std::string& text) {
  std::vector<x509_ptr> result;
  bio_ptr in{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
  while (in) {
    x509_ptr x{PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)};
    if (!x)
      break;
    result.push_back(std::move(x));
  }
  ERR_clear_error(); // the end of the input is an "error" too
  return result;
}

struct passphrase {
  const std::string* text;
  bool asked = false;
};

/// OpenSSL asks this for the passphrase of an encrypted key; without one the
/// read fails instead of prompting on the terminal.
inline int give_passphrase(char* buf, int size, int, void* user) {
  auto p = static_cast<passphrase*>(user);
  p->asked = true;
  if (!p->text || p->text->empty() || static_cast<int>(p->text->size()) >= size)
    return 0;
  std::memcpy(buf, p->text->data(), p->text->size());
  return static_cast<int>(p->text->size());
}

/// The PEM private key in `text` (null if none); `asked` tells whether it
/// was encrypted.
inline key_ptr read_key(const std::string& text, const std::string& pass, bool& asked) {
  bio_ptr in{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
  passphrase p{&pass};
  key_ptr key{in ? PEM_read_bio_PrivateKey(in.get(), nullptr, give_passphrase, &p)
                 : nullptr};
  asked = p.asked;
  ERR_clear_error();
  return key;
}

} // namespace gossip::ossl
