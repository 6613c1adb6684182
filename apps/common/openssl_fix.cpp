// A fix for CAF 0.17.6's OpenSSL module, linked into the programs that talk
// TLS (gossip-node, gossip-ctl).
//
// CAF calls SSL_read, SSL_write, SSL_connect and SSL_accept and then
// SSL_get_error without emptying OpenSSL's per-thread error queue first, which
// OpenSSL requires ("the current thread's error queue must be empty before
// the TLS/SSL I/O operation is attempted"). OpenSSL 3 leaves harmless entries
// on that queue, e.g. when CAF loads the certificate and key for a connection
// it just accepted, in the same I/O thread. The next read on any other
// connection that merely has no data yet (SSL_ERROR_WANT_READ) is then
// reported as SSL_ERROR_SSL, and CAF drops a healthy connection: in a cluster
// of six TLS nodes every connection died within three seconds of the joins.
//
// These definitions take the place of libssl's for libcaf_openssl (the
// executable's symbols come first in the dynamic linker's lookup): each
// empties the queue and calls libssl's own function.
#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdlib>

namespace {

template <class F> F real(const char* name) {
  static_assert(sizeof(F) == sizeof(void*));
  void* f = ::dlsym(RTLD_NEXT, name);
  if (!f)
    std::abort(); // no libssl behind us: nothing sensible to do
  F result;
  __builtin_memcpy(&result, &f, sizeof(f));
  return result;
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto f = real<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return f(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto f = real<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return f(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static auto f = real<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return f(ssl);
}

int SSL_accept(SSL* ssl) {
  static auto f = real<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return f(ssl);
}

} // extern "C"
