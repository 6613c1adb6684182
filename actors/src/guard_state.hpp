// The guard broker's state (guard_broker.cpp) and the steps its parts share:
// a peer's connection, its other side (BASP's relay, or our connection to the
// local TLS port), the dials under way. One broker per actor system, on the
// middleman's I/O thread.
#pragma once

#include <caf/io/broker.hpp>
#include <caf/io/system_messages.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "gossip/basp_frame.hpp"
#include "gossip/guard.hpp"
#include "relay_scribe.hpp"

namespace gossip::guard {

using clock_type = std::chrono::steady_clock;
using tick_atom = caf::atom_constant<caf::atom("gtick")>;
// (atom, peer, relay): BASP closed the relay / a relay's held bytes drained.
using relay_closed_atom = caf::atom_constant<caf::atom("grclosed")>;
using relay_drained_atom = caf::atom_constant<caf::atom("grdrained")>;
using accept_handle = caf::io::accept_handle;
using connection_handle = caf::io::connection_handle;

// Reads of a connection in its handshake are small: an idle socket costs
// its read buffer (CAF sizes it to the most a read may take, and zeroes it).
// After it, 16 KiB: gossip messages are small, and a full mesh of 128
// processes spent a sixth of its join storm's CPU zeroing 64 KiB buffers
// (two per link) on fresh pages; a large message takes a few more reads.
constexpr size_t handshake_chunk = 4 * 1024;
constexpr size_t read_chunk = 16 * 1024;

struct listener {
  bool raw = false;
  caf::strong_actor_ptr node; // BASP: the actor a client gets
  std::set<std::string> sigs;
  uint16_t port = 0;
  uint16_t backend_port = 0; // raw: the TLS port on 127.0.0.1
};

struct conn {
  /// The remote side (false: our end towards the TLS port).
  bool peer = false;
  bool inbound = false;
  bool raw = false;
  /// Raw: our connection to the TLS port (or the peer, on that one's side).
  connection_handle other = caf::io::invalid_connection_handle;
  /// BASP's end of a peer's connection (none when raw).
  caf::intrusive_ptr<relay_scribe> relay;
  /// Inbound: the listener it came through.
  accept_handle via;
  /// A peer's frames (none when raw).
  std::optional<basp_frame::parser> frames;
  /// Raw: turns of speaking, the peer first (4: its handshake is through).
  int turns = 0;
  /// Raw: the client's first TLS record, held until it is whole. Outbound:
  /// the server's handshake, held until it is whole.
  std::string held;
  /// Outbound: its dial.
  uint64_t dial = 0;
  bool handshaken = false;
  bool paused = false;
  clock_type::time_point since, last_rx;
};

struct pending_dial {
  caf::response_promise rp;
  clock_type::time_point deadline;
  uint16_t port = 0;
  bool connected = false; // the TCP connect succeeded
  bool handed = false;    // BASP has the connection
  connection_handle hdl = caf::io::invalid_connection_handle;
};

struct broker_state {
  settings cfg;
  std::map<accept_handle, listener> listeners;
  std::unordered_map<connection_handle, conn> conns;
  std::map<uint64_t, pending_dial> dials;
  size_t peers = 0;      // peer connections
  size_t waiting = 0;    // inbound peers still in their handshake
  size_t connecting = 0; // dials before their TCP connect is done
  uint64_t next_dial = 0;
  /// When the next tick is due (max: none scheduled).
  clock_type::time_point next_tick = clock_type::time_point::max();
  counts tally;

  static const char* name;

  ~broker_state() {
    for (auto& kvp : conns)
      if (kvp.second.relay)
        kvp.second.relay->cut(); // BASP learns the peer is gone
  }

  size_t active() const { return peers + connecting; }
  /// Connections still in their handshake may take half the cap: sockets
  /// that never finish one cannot keep the node from connecting out.
  bool full(bool inbound) const {
    return active() >= cfg.max_peers ||
           (inbound && waiting >= std::max<size_t>(1, cfg.max_peers / 2));
  }
  basp_frame::caps caps() const { return {cfg.max_frame, cfg.max_handshake}; }
};

using broker = caf::io::stateful_broker<broker_state>;

// guard_broker.cpp: the connections' life.
void arm(broker* self);
void forget(broker* self, connection_handle h);
void drop(broker* self, connection_handle h);
conn& add_peer(broker* self, connection_handle h, bool inbound, bool raw);
void handshake_through(broker* self, connection_handle h, conn& c);

// guard_tls.cpp: a TLS peer, passed through unparsed to the local TLS port.
void from_tls_peer(broker* self, connection_handle h, conn& c,
                   const caf::io::new_data_msg& m);
void from_tls_port(broker* self, conn& c, const caf::io::new_data_msg& m);

} // namespace gossip::guard
