// The connection guard: a broker of our own between the network and CAF's
// BASP broker, because CAF 0.17 itself bounds nothing (it allocates whatever
// payload a frame header announces, before any handshake, and never times a
// socket out). See docs in README "Connection limits" and the caf-notes
// chapter 11 it follows.
//
// Inbound (listen): the guard owns the public port, checks every BASP frame
// header a peer sends (basp_frame.hpp) before a byte of it reaches BASP, and
// hands checked bytes to BASP through an in-memory scribe in the same thread
// (relay_scribe.hpp). Outbound (the guard answers
// `connect_atom, host, port` like CAF's middleman actor): a short-lived
// detached helper connects with a timeout, the guard checks what the server
// sends the same way. Both ways: a handshake deadline, an idle timeout, a cap
// on connections, and write backpressure.
//
// TLS (listen_tls): a guard cannot look inside TLS. It passes bytes through
// unparsed to caf::openssl's port on 127.0.0.1 and enforces the handshake
// deadline, the idle timeout and the cap; frame sizes inside TLS come from
// authenticated peers and are not checked.
#pragma once

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gossip::guard {

struct settings {
  /// Largest payload a peer's BASP frame may announce. Must exceed the
  /// largest message any node sends (limits.hpp lets one value be 1 MiB).
  uint32_t max_frame = 4u << 20;
  /// Largest handshake payload (node id, app identifiers, interface).
  uint32_t max_handshake = 64u << 10;
  /// A connection whose handshake is not complete by then is closed; also
  /// the time an outgoing TCP connect may take.
  std::chrono::milliseconds handshake_timeout{5000};
  /// A connection that sends nothing for this long is closed (every node
  /// sends BASP heartbeats more often: heartbeat_interval()). It frees the
  /// slots of peers gone without a FIN; it is no defence (a hostile peer
  /// sends heartbeats too). CAF sends a heartbeat on every connection every
  /// interval, traffic or not: at 30 s (every 10 s) they were a quarter of
  /// a 128-process full mesh's idle CPU.
  std::chrono::milliseconds idle_timeout{120000};
  /// Connections in and out (handshaking or not), and connects under way.
  size_t max_peers = 1000;
  /// Bytes queued towards one side before the guard stops reading the other.
  size_t high_water = 4u << 20;
};

/// File descriptors one guarded connection may cost (BASP: the peer's socket
/// alone; TLS: the peer's socket, ours to the local TLS port and its accepted
/// end), and what the process keeps besides.
constexpr size_t fds_per_peer = 3;
constexpr size_t fd_reserve = 128;

/// Raises RLIMIT_NOFILE's soft limit towards what `max_peers` needs (never
/// above the hard limit) and returns how many peers fit under it.
size_t fit_fd_limit(size_t max_peers);

/// Empty when `s` is usable, else what is wrong (one line).
std::string check(const settings& s);

/// The BASP heartbeat interval the guard's idle timeout needs from every
/// node: a third of it.
std::chrono::milliseconds heartbeat_interval(const settings& s);

/// Starts the system's guard if it has none (one per actor system; it dials
/// for routing and listens for listen()). Returns it. Throws
/// std::invalid_argument for settings out of range (check()).
caf::actor start(caf::actor_system& sys, const settings& s);

/// The system's guard, or an invalid handle (none started).
caf::actor of(caf::actor_system& sys);

/// Publishes `node` on host:port through the system's guard (started with
/// `s` if needed): instead of middleman().publish(). Returns the port.
caf::expected<uint16_t> listen(caf::actor_system& sys, const caf::actor& node,
                               const std::string& host, uint16_t port, const settings& s);

/// For a system with CAF's OpenSSL module: publishes `node` with
/// caf::openssl::publish on 127.0.0.1 and listens on host:port in front of
/// it, passing bytes through (deadline, idle timeout, cap; no frame checks).
caf::expected<uint16_t> listen_tls(caf::actor_system& sys, const caf::actor& node,
                                   const std::string& host, uint16_t port,
                                   const settings& s);

/// Closes every guarded connection and ends the system's guards.
void stop(caf::actor_system& sys);

/// Longest a connect through the guard takes before it answers (success or
/// error): the TCP connect, then the handshake.
std::chrono::milliseconds dial_limit(const settings& s);

/// The longest handshake timeout start() accepts, and so the longest any
/// guard takes to answer a connect (callers' safety timeout).
constexpr std::chrono::seconds max_handshake_timeout{60};
constexpr std::chrono::milliseconds max_dial_limit =
    2 * max_handshake_timeout + std::chrono::seconds{1};

/// Blocking connect through the system's guard (started with `s` if
/// needed), for programs outside actors (gossip-ctl). Never call it in an
/// event-based actor's handler.
caf::expected<caf::actor> dial(caf::actor_system& sys, const std::string& host,
                               uint16_t port, const settings& s = {});

struct counts {
  uint64_t rejected = 0;  ///< closed for a bad frame header
  uint64_t timed_out = 0; ///< closed at the handshake deadline or idle
  uint64_t refused = 0;   ///< closed at once: over the cap
  uint64_t peers = 0;     ///< connections now
};

/// The guard's counters (blocking query; for tests and tools).
caf::expected<counts> query(caf::actor_system& sys, const caf::actor& guard);

} // namespace gossip::guard
