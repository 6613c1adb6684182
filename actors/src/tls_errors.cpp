// OpenSSL's error queue is per thread, and "must be empty before the TLS/SSL
// I/O operation is attempted, or SSL_get_error() will not work reliably"
// (SSL_get_error(3)). CAF 0.17's TLS sessions (libcaf_openssl session.cpp)
// pop it only inside log statements, which Debian's build compiles out: after
// one failed handshake (a client without a certificate, a plaintext client)
// the next SSL_read of any healthy connection on the middleman's I/O thread
// reports that stale error, and CAF closes the healthy connection. Measured:
// five `openssl s_client` without a certificate made a 3-node TLS cluster
// mark its members down.
//
// The fix: these definitions in the executable take precedence over libssl's
// for libcaf_openssl's calls (ELF symbol interposition); each empties the
// calling thread's queue, then calls OpenSSL's own. No OpenSSL headers or
// libraries are needed at build time: libssl is found at run time, where
// CAF's OpenSSL module has loaded it.
#include <dlfcn.h>

#include "gossip/guard.hpp"

namespace {

template <class F> F next(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

void clear_errors() {
  using clear_fn = void (*)();
  static auto clear = next<clear_fn>("ERR_clear_error");
  if (clear != nullptr)
    clear();
}

using io_fn = int (*)(void*, void*, int);
using handshake_fn = int (*)(void*);

} // namespace

extern "C" {

int SSL_read(void* ssl, void* buf, int num) {
  static auto real = next<io_fn>("SSL_read");
  clear_errors();
  return real != nullptr ? real(ssl, buf, num) : -1;
}

int SSL_write(void* ssl, const void* buf, int num) {
  static auto real = next<io_fn>("SSL_write");
  clear_errors();
  return real != nullptr ? real(ssl, const_cast<void*>(buf), num) : -1;
}

int SSL_accept(void* ssl) {
  static auto real = next<handshake_fn>("SSL_accept");
  clear_errors();
  return real != nullptr ? real(ssl) : -1;
}

int SSL_connect(void* ssl) {
  static auto real = next<handshake_fn>("SSL_connect");
  clear_errors();
  return real != nullptr ? real(ssl) : -1;
}

} // extern "C"

namespace gossip::guard {

bool tls_errors_cleared() {
  return next<io_fn>("SSL_read") != nullptr;
}

} // namespace gossip::guard
