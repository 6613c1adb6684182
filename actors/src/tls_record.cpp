#include "gossip/tls_record.hpp"

namespace gossip::tls_record {

verdict check_client_hello(const uint8_t* p, size_t n) {
  verdict v;
  if (n >= 1 && p[0] != 22)
    v.problem = "not a TLS handshake record";
  else if (n >= 2 && p[1] != 3)
    v.problem = "not a TLS version";
  else if (n >= 3 && p[2] > 4)
    v.problem = "unknown TLS version";
  if (!v.problem.empty() || n < header_size)
    return v;
  size_t len = (size_t{p[3]} << 8) | p[4];
  if (len == 0 || len > max_length) {
    v.problem = "TLS record of " + std::to_string(len) + " bytes";
    return v;
  }
  v.record_size = header_size + len;
  if (n > header_size && p[header_size] != 1)
    v.problem = "first TLS message is not a ClientHello";
  return v;
}

} // namespace gossip::tls_record
