#include "gossip/address.hpp"

namespace gossip {

namespace {

std::optional<uint16_t> parse_port(const std::string& s) {
  if (s.empty() || s.size() > 5)
    return std::nullopt;
  uint32_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n == 0 || n > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(n);
}

bool plain_text(const std::string& s) {
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7f)
      return false;
  return true;
}

} // namespace

std::optional<host_port> parse_host_port(const std::string& text) {
  if (!plain_text(text))
    return std::nullopt;
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    // Brackets are for IPv6 addresses only.
    if (host.find(':') == std::string::npos)
      return std::nullopt;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    // "::1:80" is ambiguous: an IPv6 host needs its brackets.
    if (host.find(':') != std::string::npos)
      return std::nullopt;
  }
  if (host.empty() || host.find_first_of("[]") != std::string::npos)
    return std::nullopt;
  auto p = parse_port(port);
  if (!p)
    return std::nullopt;
  return host_port{std::move(host), *p};
}

std::string to_string(const host_port& x) {
  auto port = std::to_string(x.port);
  if (x.host.find(':') != std::string::npos)
    return "[" + x.host + "]:" + port;
  return x.host + ":" + port;
}

} // namespace gossip
