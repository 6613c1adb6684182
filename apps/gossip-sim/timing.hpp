// What gossip-sim reports as timings: wall clock and this process's memory.
#pragma once

#include <chrono>
#include <fstream>
#include <string>

namespace gossip::sim {

using clock_type = std::chrono::steady_clock;

inline double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

/// Resident memory of this process in KiB (0 where /proc has none).
inline double rss_kib() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stod(line.substr(6));
  return 0;
}

} // namespace gossip::sim
