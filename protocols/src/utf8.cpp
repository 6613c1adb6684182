// UTF-8 validation and base64 for JSON output (gossip/json_bytes.hpp).
#include <array>
#include <cstdint>

#include "gossip/json_bytes.hpp"

namespace gossip {

namespace {

constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Length of the sequence that lead byte `c` starts and the range its second
// byte must lie in (the one that excludes overlong forms, surrogates and
// code points past U+10FFFF); 0 for a byte that cannot lead.
struct lead {
  int length;
  uint8_t lo, hi;
};

lead lead_of(uint8_t c) {
  if (c < 0x80)
    return {1, 0, 0};
  if (c >= 0xC2 && c <= 0xDF)
    return {2, 0x80, 0xBF};
  if (c == 0xE0)
    return {3, 0xA0, 0xBF};
  if (c == 0xED)
    return {3, 0x80, 0x9F};
  if (c >= 0xE1 && c <= 0xEF)
    return {3, 0x80, 0xBF};
  if (c == 0xF0)
    return {4, 0x90, 0xBF};
  if (c >= 0xF1 && c <= 0xF3)
    return {4, 0x80, 0xBF};
  if (c == 0xF4)
    return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

std::array<int8_t, 256> decode_table() {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i)
    t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}

} // namespace

bool valid_utf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    auto l = lead_of(static_cast<uint8_t>(bytes[i]));
    if (l.length == 0 || bytes.size() - i < static_cast<size_t>(l.length))
      return false;
    for (int k = 1; k < l.length; ++k) {
      auto c = static_cast<uint8_t>(bytes[i + k]);
      auto lo = k == 1 ? l.lo : uint8_t{0x80};
      auto hi = k == 1 ? l.hi : uint8_t{0xBF};
      if (c < lo || c > hi)
        return false;
    }
    i += static_cast<size_t>(l.length);
  }
  return true;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size())
      n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size())
      n |= static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? alphabet[n & 63] : '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const auto table = decode_table();
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    // Padding only at the very end: "xx==" or "xxx=".
    int pad = 0;
    if (last && text[i + 3] == '=')
      pad = text[i + 2] == '=' ? 2 : 1;
    uint32_t n = 0;
    for (int k = 0; k < 4; ++k) {
      int8_t v = k >= 4 - pad ? 0 : table[static_cast<uint8_t>(text[i + k])];
      if (v < 0)
        return std::nullopt;
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2)
      out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1)
      out += static_cast<char>(n & 0xFF);
  }
  return out;
}

} // namespace gossip
