#include "advertise.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdexcept>

#include "gossip/address.hpp"

namespace gossip::cli {

namespace {

bool is_v6_literal(const std::string& text) {
  in6_addr v6;
  return ::inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

[[noreturn]] void bad_advertise(const std::string& text, const std::string& why) {
  throw std::invalid_argument("invalid value '" + text + "' for --advertise: " + why);
}

} // namespace

bool is_wildcard(const std::string& host) {
  in_addr v4;
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return v4.s_addr == htonl(INADDR_ANY);
  in6_addr v6;
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_UNSPECIFIED(&v6);
}

advertise_spec read_advertise(const std::string& text) {
  advertise_spec result;
  if (auto hp = parse_host_port(text)) {
    result = {hp->host, hp->port};
  } else if (is_v6_literal(text)) {
    result.host = text; // "::1": an address alone, no port to split off
  } else if (text.size() > 2 && text.front() == '[' && text.back() == ']' &&
             is_v6_literal(text.substr(1, text.size() - 2))) {
    result.host = text.substr(1, text.size() - 2);
  } else if (auto with_port = parse_host_port(text + ":1");
             with_port && text.find(':') == std::string::npos) {
    result.host = with_port->host; // a name or an IPv4 address alone
  } else {
    bad_advertise(text, "expected HOST, HOST:PORT or [IPv6]:PORT");
  }
  if (is_wildcard(result.host))
    bad_advertise(text, "members cannot dial a wildcard address");
  return result;
}

void check_bind(const std::string& host, const std::optional<advertise_spec>& adv) {
  if (host.empty())
    throw std::invalid_argument("--host needs an address");
  if (!adv && is_wildcard(host))
    throw std::invalid_argument("--host=" + host +
                                " listens on every address, which members cannot dial: "
                                "give --advertise=ADDRESS as well");
}

std::string advertised_address(const std::string& host, uint16_t bound,
                               const std::optional<advertise_spec>& adv) {
  if (!adv)
    return to_string(host_port{host, bound});
  return to_string(host_port{adv->host, adv->port != 0 ? adv->port : bound});
}

} // namespace gossip::cli
