// A minimal HTTP/1.0 client for the metrics tests: one GET to a numeric
// loopback address, the body of a 200 answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gossip::test {

/// GET http://host:port/target (host: 127.0.0.1 or ::1); the body when the
/// status is 200, nothing on any failure or after `limit`.
std::optional<std::string> http_get(const std::string& host, uint16_t port,
                                    const std::string& target,
                                    std::chrono::milliseconds limit);

} // namespace gossip::test
