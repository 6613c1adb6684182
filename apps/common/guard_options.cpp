#include "guard_options.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/timestamp.hpp>

#include <cctype>
#include <iostream>
#include <stdexcept>

namespace gossip::cli {

namespace {

// "4194304", "64K", "4M", "1G" (also KiB, MiB, GiB): bytes.
uint64_t get_bytes(const params& ps, const std::string& key, uint64_t fallback) {
  auto text = ps.get_string(key, "");
  if (text.empty())
    return fallback;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  auto unit = text.substr(digits);
  uint64_t factor = unit == ""                     ? 1
                    : unit == "K" || unit == "KiB" ? 1u << 10
                    : unit == "M" || unit == "MiB" ? 1u << 20
                    : unit == "G" || unit == "GiB" ? 1u << 30
                                                   : 0;
  if (digits == 0 || digits > 12 || factor == 0)
    throw std::invalid_argument("invalid value '" + text + "' for --" + key +
                                ": expected bytes like 4194304, 512K or 4M");
  return std::stoull(text.substr(0, digits)) * factor;
}

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

} // namespace

const std::vector<option>& guard_options() {
  static const std::vector<option> xs{
      {"max-frame", "BYTES",
       "largest BASP frame a peer may announce, checked before anything is allocated "
       "(default 4M; 64K to 1G)"},
      {"handshake-timeout", "DURATION",
       "a connection must finish its handshake within this (default 5s; 100ms to 60s)"},
      {"idle-timeout", "DURATION",
       "a connection silent this long is closed; heartbeats go out every third of it "
       "(default 120s; 1s to 60m)"},
      {"max-peers", "N",
       "connections in and out at once, kept below RLIMIT_NOFILE (default 1000)"},
  };
  return xs;
}

guard::settings read_guard(const params& ps) {
  using namespace std::chrono;
  guard::settings s;
  auto frame = get_bytes(ps, "max-frame", s.max_frame);
  if (frame < (64u << 10) || frame > (1u << 30))
    throw std::invalid_argument("--max-frame must be between 65536 (64K) and "
                                "1073741824 (1G)");
  s.max_frame = static_cast<uint32_t>(frame);
  s.handshake_timeout = get_duration(ps, "handshake-timeout", s.handshake_timeout);
  if (s.handshake_timeout < milliseconds{100} ||
      s.handshake_timeout > guard::max_handshake_timeout)
    throw std::invalid_argument("--handshake-timeout must be between 100ms and 60s");
  s.idle_timeout = get_duration(ps, "idle-timeout", s.idle_timeout);
  if (s.idle_timeout < seconds{1} || s.idle_timeout > minutes{60})
    throw std::invalid_argument("--idle-timeout must be between 1s and 60m");
  bool explicit_peers = ps.has("max-peers");
  auto peers = ps.get_uint("max-peers", s.max_peers);
  if (peers == 0 || peers > 1000000)
    throw std::invalid_argument("--max-peers must be between 1 and 1000000");
  auto fits = guard::fit_fd_limit(peers);
  if (fits < peers) {
    auto need = std::to_string(peers * guard::fds_per_peer + guard::fd_reserve);
    if (explicit_peers || fits == 0)
      throw std::invalid_argument("--max-peers=" + std::to_string(peers) + " needs " +
                                  need + " file descriptors; RLIMIT_NOFILE allows " +
                                  std::to_string(fits) + " peers (ulimit -n)");
    std::cerr << "gossip-node: note: --max-peers lowered to " << fits
              << " to fit RLIMIT_NOFILE (" << need << " needed for " << peers << ")\n";
    peers = fits;
  }
  s.max_peers = peers;
  return s;
}

void configure_heartbeats(caf::actor_system_config& cfg, const guard::settings& s) {
  auto given = caf::get_or(cfg, "middleman.heartbeat-interval", caf::timespan{0});
  if (given.count() == 0) {
    cfg.set("middleman.heartbeat-interval", caf::timespan{guard::heartbeat_interval(s)});
    return;
  }
  if (given >= s.idle_timeout)
    throw std::invalid_argument(
        "middleman.heartbeat-interval (" + caf::deep_to_string(given) +
        ") must be below --idle-timeout (" + ms_text(s.idle_timeout) + ")");
}

} // namespace gossip::cli
