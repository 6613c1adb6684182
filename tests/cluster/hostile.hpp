// A hostile client of our own, for the abuse tests and measurements: raw
// sockets to 127.0.0.1 that speak just enough BASP (32-byte frame headers)
// to hurt an unguarded CAF node, and a listener that behaves like a
// partitioned host. It shares no code with the guard it attacks.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace gossip::hostile {

/// A BASP frame header (caf/io/basp/header.hpp): operation, flags,
/// payload_len, operation_data, source and destination actor ids.
std::array<uint8_t, 32> basp_header(uint8_t operation, uint32_t payload_len,
                                    uint64_t operation_data = 0, uint64_t source = 0,
                                    uint64_t dest = 0);

/// 32 random bytes.
std::array<uint8_t, 32> random_header(std::mt19937_64& rng);

/// A connected TCP socket to 127.0.0.1:port, or -1.
int connect_loopback(uint16_t port);

/// Writes all of it (false if the peer is gone).
bool send_all(int fd, const void* data, size_t size);

/// Reads (and discards) until the peer closes the connection or `limit`
/// passes: how long that took, or nothing.
std::optional<std::chrono::milliseconds> wait_closed(int fd,
                                                     std::chrono::milliseconds limit);

/// Like wait_closed for many sockets at once: how many were closed by the
/// peer within `limit`.
size_t wait_all_closed(const std::vector<int>& fds, std::chrono::milliseconds limit);

/// A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"), or -1.
long status_kib(pid_t pid, const std::string& field);

/// A listening socket on 127.0.0.1 whose accept queue is full and never
/// drained: a connect to it hangs in SYN_SENT until its timeout, as to a
/// host behind a partition.
class blackhole {
public:
  blackhole();
  ~blackhole();
  blackhole(const blackhole&) = delete;
  blackhole& operator=(const blackhole&) = delete;

  uint16_t port() const { return port_; }

private:
  int listener_ = -1;
  int filler_ = -1;
  uint16_t port_ = 0;
};

/// A free TCP port on 127.0.0.1 with nobody listening (connects refused).
uint16_t closed_port();

} // namespace gossip::hostile
