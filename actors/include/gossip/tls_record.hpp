// The first TLS record a client sends, checked by the connection guard in
// front of a TLS port before a byte of it reaches the TLS server: a scanner,
// a plaintext BASP header, a partial or idle hello never meet OpenSSL. (CAF
// 0.17 leaves OpenSSL's per-thread error queue uncleared after a failed
// handshake, and the next SSL call on any healthy connection of the I/O
// thread then fails: README, Connection limits.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gossip::tls_record {

/// Bytes of a record header: content type u8, version u16, length u16.
constexpr size_t header_size = 5;
/// Largest plaintext record (RFC 8446 5.1).
constexpr size_t max_length = 16384;

struct verdict {
  /// Why these bytes cannot start a ClientHello (empty: they may).
  std::string problem;
  /// Bytes the first record takes, header included (0: header incomplete).
  size_t record_size = 0;
};

/// Checks the first `size` bytes a client sent: a handshake record of a
/// TLS version, a sane length, a ClientHello inside.
verdict check_client_hello(const uint8_t* data, size_t size);

} // namespace gossip::tls_record
