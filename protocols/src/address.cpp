#include "gossip/address.hpp"

namespace gossip {

std::optional<host_port> parse_host_port(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos)
      return std::nullopt; // an IPv6 address needs brackets
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto n = std::stoul(port);
  if (n == 0 || n > 65535)
    return std::nullopt;
  return host_port{host, static_cast<uint16_t>(n)};
}

std::string to_string(const host_port& x) {
  auto host = x.host.find(':') != std::string::npos ? "[" + x.host + "]" : x.host;
  return host + ":" + std::to_string(x.port);
}

} // namespace gossip
