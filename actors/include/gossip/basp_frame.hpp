// BASP frame headers as they arrive on a socket, checked before anything is
// allocated for their payload: the part of the connection guard (guard.hpp)
// that needs no network, no actor system and no CAF.
//
// A BASP frame (CAF 0.17, caf/io/basp/header.hpp) is a 32-byte header in
// network byte order, then payload_len bytes:
//   operation u8, 2 padding bytes, flags u8, payload_len u32,
//   operation_data u64, source_actor u64, dest_actor u64.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace gossip::basp_frame {

constexpr size_t header_size = 32;

enum class operation : uint8_t {
  server_handshake = 0,
  client_handshake = 1,
  direct_message = 2,
  routed_message = 3,
  monitor_message = 4,
  down_message = 5,
  heartbeat = 6,
};

struct header {
  uint8_t operation = 0;
  uint8_t flags = 0;
  uint32_t payload_len = 0;
  uint64_t operation_data = 0;
  uint64_t source_actor = 0;
  uint64_t dest_actor = 0;
};

/// Reads a header from `header_size` bytes.
header decode(const uint8_t* bytes);
/// The 32 bytes of `h` (for tests and hostile clients).
std::array<uint8_t, header_size> encode(const header& h);

/// Who speaks: a client that connected to us (it starts with a
/// client_handshake) or a server we connected to (server_handshake first).
enum class speaker { client, server };

struct caps {
  /// Largest payload of any frame after the handshake.
  uint32_t max_payload = 4u << 20;
  /// Largest handshake payload (a node id, app identifiers, the published
  /// actor and its interface: well under 1 KiB in practice).
  uint32_t max_handshake_payload = 64u << 10;
};

/// Empty when `h` may follow (`first`: it is the speaker's first frame),
/// else why not. The rules of CAF's basp::valid() (header.cpp), plus the caps
/// and the order of a handshake.
std::string check(const header& h, bool first, speaker who, const caps& c);

/// Incremental parser of one direction of one connection: bytes in any split
/// go in, bytes that passed the checks come out (a header only once complete
/// and checked, payload as it arrives, never buffered), and the first bad
/// header stops it. Memory: one header.
class parser {
public:
  /// Receives each run of checked bytes, in order.
  using sink = std::function<void(const char* data, size_t size)>;

  parser(speaker who, caps c) : who_(who), caps_(c) {}

  /// Consumes `size` bytes. Returns false at the first header that fails its
  /// check: none of its bytes nor any later ones go to `out`, and the parser
  /// stays failed (error() says why).
  bool feed(const char* data, size_t size, const sink& out);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  /// The speaker's first frame (its handshake) arrived whole.
  bool handshake_done() const { return frames_ > 0; }
  /// A header has passed its check (the peer speaks BASP so far).
  bool started() const { return started_; }
  /// Complete frames so far.
  uint64_t frames() const { return frames_; }
  /// Bytes of the current frame still to come (0 between frames).
  uint64_t pending_payload() const { return left_; }
  /// Bytes of a header received so far (0 between frames).
  size_t partial_header() const { return fill_; }

private:
  speaker who_;
  caps caps_;
  std::array<uint8_t, header_size> buf_{};
  size_t fill_ = 0;
  uint64_t left_ = 0;
  uint64_t frames_ = 0;
  bool started_ = false;
  std::string error_;
};

} // namespace gossip::basp_frame
