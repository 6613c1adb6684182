#include "gossip/basp_frame.hpp"

#include <algorithm>
#include <cstring>

namespace gossip::basp_frame {

namespace {

uint64_t big_endian(const uint8_t* p, int n) {
  uint64_t x = 0;
  for (int i = 0; i < n; ++i)
    x = (x << 8) | p[i];
  return x;
}

void put_big_endian(uint8_t* p, uint64_t x, int n) {
  for (int i = n - 1; i >= 0; --i, x >>= 8)
    p[i] = static_cast<uint8_t>(x & 0xff);
}

std::string too_big(const char* what, uint32_t len, uint32_t cap) {
  return std::string{what} + " of " + std::to_string(len) + " bytes (at most " +
         std::to_string(cap) + ")";
}

} // namespace

header decode(const uint8_t* p) {
  header h;
  h.operation = p[0];
  h.flags = p[3];
  h.payload_len = static_cast<uint32_t>(big_endian(p + 4, 4));
  h.operation_data = big_endian(p + 8, 8);
  h.source_actor = big_endian(p + 16, 8);
  h.dest_actor = big_endian(p + 24, 8);
  return h;
}

std::array<uint8_t, header_size> encode(const header& h) {
  std::array<uint8_t, header_size> out{};
  out[0] = h.operation;
  out[3] = h.flags;
  put_big_endian(out.data() + 4, h.payload_len, 4);
  put_big_endian(out.data() + 8, h.operation_data, 8);
  put_big_endian(out.data() + 16, h.source_actor, 8);
  put_big_endian(out.data() + 24, h.dest_actor, 8);
  return out;
}

std::string check(const header& h, bool first, speaker who, const caps& c) {
  auto op = static_cast<operation>(h.operation);
  bool handshake_fields = h.source_actor == 0 && h.dest_actor == 0;
  auto handshake = [&]() -> std::string {
    if (!handshake_fields)
      return "handshake with actor ids";
    if (h.payload_len == 0)
      return "empty handshake";
    if (h.payload_len > c.max_handshake_payload)
      return too_big("handshake", h.payload_len, c.max_handshake_payload);
    return {};
  };
  if (first) {
    // A client opens with its client_handshake, a server with its
    // server_handshake (operation_data: the BASP version, never 0).
    if (who == speaker::client)
      return op == operation::client_handshake ? handshake()
                                               : "first frame is not a client handshake";
    if (op != operation::server_handshake)
      return "first frame is not a server handshake";
    if (h.operation_data == 0)
      return "server handshake without a version";
    return handshake();
  }
  // A client repeats its handshake (select_connection_flag); a server never.
  if (op == operation::client_handshake)
    return who == speaker::client ? handshake() : "client handshake from a server";
  if (op == operation::server_handshake)
    return "second server handshake";
  if (h.payload_len > c.max_payload)
    return too_big("frame", h.payload_len, c.max_payload);
  switch (op) {
  case operation::direct_message:
  case operation::routed_message:
    return h.dest_actor != 0 && h.payload_len != 0 ? "" : "malformed message header";
  case operation::monitor_message:
    return h.payload_len != 0 && h.operation_data == 0 ? "" : "malformed monitor header";
  case operation::down_message:
    return h.source_actor != 0 && h.dest_actor == 0 && h.payload_len != 0 &&
                   h.operation_data == 0
               ? ""
               : "malformed down header";
  case operation::heartbeat:
    return handshake_fields && h.payload_len == 0 && h.operation_data == 0
               ? ""
               : "malformed heartbeat";
  default:
    return "unknown operation " + std::to_string(h.operation);
  }
}

bool parser::feed(const char* data, size_t size, const sink& out) {
  if (failed())
    return false;
  size_t i = 0;
  while (i < size) {
    if (left_ > 0) {
      // Payload of a checked header: forwarded as it comes.
      auto k = static_cast<size_t>(std::min<uint64_t>(left_, size - i));
      out(data + i, k);
      i += k;
      left_ -= k;
      if (left_ == 0)
        ++frames_;
      continue;
    }
    auto k = std::min(header_size - fill_, size - i);
    std::memcpy(buf_.data() + fill_, data + i, k);
    fill_ += k;
    i += k;
    if (fill_ < header_size)
      break; // the rest of the header comes later
    fill_ = 0;
    auto h = decode(buf_.data());
    auto problem = check(h, !started_, who_, caps_);
    if (!problem.empty()) {
      error_ = std::move(problem);
      return false;
    }
    started_ = true;
    out(reinterpret_cast<const char*>(buf_.data()), header_size);
    left_ = h.payload_len;
    if (left_ == 0)
      ++frames_;
  }
  return true;
}

} // namespace gossip::basp_frame
