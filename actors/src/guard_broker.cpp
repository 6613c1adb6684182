// The guard broker: every connection to or from a peer passes through it on
// its way to CAF's BASP broker (guard.hpp). All of it runs on the
// middleman's I/O thread, like BASP itself.
#include "guard_broker.hpp"

#include <caf/blocking_actor.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/system_messages.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "gossip/basp_frame.hpp"
#include "gossip/tls_record.hpp"
#include "relay_scribe.hpp"

namespace gossip::guard {

namespace {

using clock_type = std::chrono::steady_clock;
using tick_atom = caf::atom_constant<caf::atom("gtick")>;
// (atom, peer, relay): BASP closed the relay / a relay's held bytes drained.
using relay_closed_atom = caf::atom_constant<caf::atom("grclosed")>;
using relay_drained_atom = caf::atom_constant<caf::atom("grdrained")>;
using caf::io::accept_handle;
using caf::io::connection_handle;

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

} // namespace

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

const char* broker_state::name = "gossip_guard";

namespace {

using broker = caf::io::stateful_broker<broker_state>;

caf::actor basp(broker* self) {
  return self->parent().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
}

// Ticks come often while a handshake or a connect is under way (a tenth of
// the handshake timeout), rarely otherwise (a tenth of the idle timeout):
// an idle node wakes up little.
void arm(broker* self) {
  auto& st = self->state;
  bool busy = st.waiting > 0 || !st.dials.empty() ||
              std::any_of(st.conns.begin(), st.conns.end(), [](auto& kvp) {
                return kvp.second.peer && !kvp.second.handshaken;
              });
  if (!busy && st.conns.empty())
    return;
  auto t = (busy ? st.cfg.handshake_timeout : st.cfg.idle_timeout) / 10;
  auto delay = std::clamp<clock_type::duration>(t, std::chrono::milliseconds{20},
                                                std::chrono::seconds{5});
  auto due = clock_type::now() + delay;
  if (due >= st.next_tick)
    return; // an earlier tick is coming
  st.next_tick = due;
  self->delayed_send(self, delay, tick_atom::value);
}

void forget(broker* self, connection_handle h) {
  auto& st = self->state;
  auto i = st.conns.find(h);
  if (i == st.conns.end())
    return;
  if (i->second.relay)
    i->second.relay->cut();
  if (i->second.peer) {
    --st.peers;
    if (i->second.inbound && !i->second.handshaken)
      --st.waiting;
    // A connect that BASP has not seen yet fails here (else BASP answers).
    auto d = st.dials.find(i->second.dial);
    if (!i->second.inbound && d != st.dials.end() && !d->second.handed) {
      d->second.rp.deliver(caf::make_error(caf::sec::cannot_connect_to_node,
                                           "guard: the server's handshake was refused"));
      st.dials.erase(d);
    }
  }
  st.conns.erase(i);
  self->close(h);
}

// Closes a connection and its other side.
void drop(broker* self, connection_handle h) {
  auto i = self->state.conns.find(h);
  if (i == self->state.conns.end())
    return;
  auto other = i->second.other;
  forget(self, h);
  if (other != caf::io::invalid_connection_handle)
    forget(self, other);
}

conn& add_peer(broker* self, connection_handle h, bool inbound, bool raw) {
  auto& st = self->state;
  auto& c = st.conns[h];
  c.peer = true;
  c.inbound = inbound;
  c.raw = raw;
  c.since = c.last_rx = clock_type::now();
  ++st.peers;
  if (inbound)
    ++st.waiting;
  self->configure_read(h, caf::io::receive_policy::at_most(handshake_chunk));
  arm(self);
  return c;
}

// The peer's handshake is through: no deadline any more, full-size reads
// (both ways).
void handshake_through(broker* self, connection_handle h, conn& c) {
  c.handshaken = true;
  if (c.inbound)
    --self->state.waiting;
  self->configure_read(h, caf::io::receive_policy::at_most(read_chunk));
  if (c.other != caf::io::invalid_connection_handle)
    self->configure_read(c.other, caf::io::receive_policy::at_most(read_chunk));
}

// Our side of a raw peer: `h` is our connection to the TLS port.
void add_inner(broker* self, connection_handle h, connection_handle peer, bool raw) {
  auto& c = self->state.conns[h];
  c.other = peer;
  c.raw = raw;
  auto& p = self->state.conns[peer];
  p.other = h;
  auto chunk = p.handshaken ? read_chunk : handshake_chunk;
  self->configure_read(h, caf::io::receive_policy::at_most(chunk));
}

// BASP's end of `peer`'s connection: a relay (relay_scribe.hpp) that BASP
// reads and writes like a socket.
caf::io::scribe_ptr make_relay(broker* self, connection_handle peer) {
  relay_scribe::sink s;
  s.write = [self, peer](const char* data, size_t size) {
    self->write(peer, size, data);
    self->flush(peer);
  };
  auto r = caf::make_counted<relay_scribe>(self->remote_addr(peer),
                                           self->remote_port(peer), relay_scribe::sink{});
  auto rh = r->hdl();
  s.closed = [self, peer, rh] { self->send(self, relay_closed_atom::value, peer, rh); };
  s.drained = [self, peer, rh] { self->send(self, relay_drained_atom::value, peer, rh); };
  r->set_sink(std::move(s));
  self->state.conns[peer].relay = r;
  return r;
}

// The peer's conn if `relay` is still its relay (handles of closed sockets
// are reused).
conn* with_relay(broker* self, connection_handle peer, connection_handle relay) {
  auto i = self->state.conns.find(peer);
  if (i == self->state.conns.end() || !i->second.relay || i->second.relay->hdl() != relay)
    return nullptr;
  return &i->second;
}

// A new client: BASP gets its relay the way
// middleman().publish() gives it a doorman's connection, and sends its server
// handshake at once, as it does without a guard. (Sent only after the
// client's first checked header, it arrived after the client handshake of a
// peer connecting back at the same time, and CAF then closed both
// connections as redundant.)
void attach_inbound(broker* self, connection_handle h, const listener& l) {
  self->send(basp(self), caf::publish_atom::value, make_relay(self, h), l.port, l.node,
             l.sigs);
}

// The server's handshake is whole and checked: now BASP gets the connection
// and writes its client handshake, which thus always follows the server's.
// (Written at once, as CAF does, two nodes connecting to each other at the
// same moment could each take the other's connection for the direct one and
// both close their own as redundant: no connection left between them.)
bool attach_outbound(broker* self, connection_handle h, conn& c) {
  auto& st = self->state;
  auto d = st.dials.find(c.dial);
  if (d == st.dials.end())
    return false;
  auto bsp = make_relay(self, h);
  d->second.handed = true;
  c.relay->push(c.held.data(), c.held.size()); // BASP reads it once it has the relay
  std::string{}.swap(c.held);
  auto id = c.dial;
  auto finish = [self, id](auto&&... xs) {
    auto i = self->state.dials.find(id);
    if (i == self->state.dials.end())
      return;
    i->second.rp.deliver(std::forward<decltype(xs)>(xs)...);
    self->state.dials.erase(i);
  };
  self->request(basp(self), caf::infinite, caf::connect_atom::value, std::move(bsp),
                d->second.port)
      .then(
          [finish](caf::node_id& n, caf::strong_actor_ptr& a, std::set<std::string>& s) {
            finish(std::move(n), std::move(a), std::move(s));
          },
          [finish](caf::error& e) { finish(std::move(e)); });
  return true;
}

// Stops reading `from` while its other side has too much to write.
void backpressure(broker* self, connection_handle from, conn& c) {
  if (c.other == caf::io::invalid_connection_handle)
    return;
  self->flush(c.other);
  if (self->wr_buf(c.other).size() > self->state.cfg.high_water) {
    c.paused = true; // takes effect after the current read burst
    self->halt(from);
    self->ack_writes(c.other, true);
  }
}

void from_inner(broker* self, conn& c, const caf::io::new_data_msg& m) {
  // The TLS port towards the peer: trusted, unparsed.
  self->write(c.other, m.buf.size(), m.buf.data());
  self->flush(c.other);
  if (c.raw) {
    auto p = self->state.conns.find(c.other);
    if (p != self->state.conns.end() && !p->second.handshaken &&
        p->second.turns % 2 == 1 && ++p->second.turns >= 4)
      handshake_through(self, p->first, p->second);
  }
}

// TLS: the client's first record is held (16 KiB at most) until it is whole
// and looks like a ClientHello; only then is the TLS port connected.
bool hold_hello(broker* self, connection_handle h, conn& c,
                const caf::io::new_data_msg& m) {
  c.held.append(m.buf.begin(), m.buf.end());
  auto v = tls_record::check_client_hello(reinterpret_cast<const uint8_t*>(c.held.data()),
                                          c.held.size());
  if (!v.problem.empty())
    return false;
  if (v.record_size == 0 || c.held.size() < v.record_size)
    return true; // the rest comes later
  auto l = self->state.listeners.find(c.via);
  if (l == self->state.listeners.end())
    return false;
  // The TLS port on 127.0.0.1 answers at once (a loopback connect).
  auto b = self->add_tcp_scribe("127.0.0.1", l->second.backend_port);
  if (!b)
    return false;
  add_inner(self, *b, h, true);
  self->write(*b, c.held.size(), c.held.data());
  self->flush(*b);
  std::string{}.swap(c.held);
  c.turns = 1;
  return true;
}

void from_peer(broker* self, connection_handle h, conn& c,
               const caf::io::new_data_msg& m) {
  auto& st = self->state;
  c.last_rx = clock_type::now();
  if (c.raw && c.other == caf::io::invalid_connection_handle) {
    if (!hold_hello(self, h, c, m)) {
      ++st.tally.rejected;
      drop(self, h);
    }
    return;
  }
  if (c.raw) {
    if (!c.handshaken && c.turns % 2 == 0)
      ++c.turns;
    self->write(c.other, m.buf.size(), m.buf.data());
    backpressure(self, h, c);
    return;
  }
  auto sink = [&](const char* data, size_t size) {
    if (c.relay)
      c.relay->push(data, size);
    else
      c.held.append(data, size); // outbound, before BASP has it
  };
  if ((c.inbound && !c.relay) || !c.frames->feed(m.buf.data(), m.buf.size(), sink)) {
    ++st.tally.rejected;
    drop(self, h);
    return;
  }
  if (!c.handshaken && c.frames->handshake_done()) {
    if (!c.inbound && !attach_outbound(self, h, c)) {
      drop(self, h);
      return;
    }
    handshake_through(self, h, c);
  }
  if (!c.relay)
    return;
  auto relay = c.relay; // BASP may close it while it reads
  relay->drain(self->context());
  // Held bytes are those BASP has not asked for yet (it has not taken the
  // relay yet): the peer waits while they are many.
  if (relay->held() > st.cfg.high_water && !c.paused) {
    c.paused = true;
    self->halt(h);
  }
}

void on_tick(broker* self) {
  auto& st = self->state;
  auto now = clock_type::now();
  if (now < st.next_tick)
    return; // superseded by an earlier one, which has re-armed
  std::vector<connection_handle> late;
  for (auto& [h, c] : st.conns)
    if (c.peer && ((!c.handshaken && now - c.since > st.cfg.handshake_timeout) ||
                   (!c.paused && now - c.last_rx > st.cfg.idle_timeout)))
      late.push_back(h);
  for (auto h : late) {
    ++st.tally.timed_out;
    drop(self, h);
  }
  for (auto i = st.dials.begin(); i != st.dials.end();) {
    if (now < i->second.deadline) {
      ++i;
      continue;
    }
    auto late_dial = std::move(i->second);
    i = st.dials.erase(i);
    late_dial.rp.deliver(
        caf::make_error(caf::sec::cannot_connect_to_node, "guard: connect timed out"));
    if (!late_dial.connected)
      --st.connecting;
    else
      drop(self, late_dial.hdl);
  }
  st.next_tick = clock_type::time_point::max();
  arm(self);
}

caf::error too_many() {
  return caf::make_error(caf::sec::cannot_connect_to_node, "guard: too many connections");
}

// A connect the helper made: the server's first frame must be a small
// server handshake, then BASP takes over the socketpair's other end.
void connected(broker* self, uint64_t id, caf::io::scribe_ptr& sp) {
  auto& st = self->state;
  auto d = st.dials.find(id);
  if (d == st.dials.end())
    return; // timed out meanwhile; the scribe closes its socket
  auto h = sp->hdl();
  self->add_scribe(std::move(sp));
  --st.connecting;
  d->second.connected = true;
  d->second.hdl = h;
  auto& c = add_peer(self, h, false, false);
  c.frames.emplace(basp_frame::speaker::server, st.caps());
  c.dial = id;
}

caf::behavior guard_broker(broker* self, settings cfg) {
  self->state.cfg = std::move(cfg);
  return {
      [=](caf::publish_atom, const std::string& host, uint16_t port,
          caf::strong_actor_ptr& node,
          std::set<std::string>& sigs) -> caf::result<uint16_t> {
        auto d = self->add_tcp_doorman(port, host.empty() ? nullptr : host.c_str(), true);
        if (!d)
          return std::move(d.error());
        self->state.listeners[d->first] =
            listener{false, std::move(node), std::move(sigs), d->second, 0};
        return d->second;
      },
      [=](caf::publish_atom, const std::string& host, uint16_t port,
          uint16_t backend_port) -> caf::result<uint16_t> {
        auto d = self->add_tcp_doorman(port, host.empty() ? nullptr : host.c_str(), true);
        if (!d)
          return std::move(d.error());
        self->state.listeners[d->first] = listener{true, {}, {}, d->second, backend_port};
        return d->second;
      },
      [=](const caf::io::new_connection_msg& m) {
        auto& st = self->state;
        auto l = st.listeners.find(m.source);
        if (l == st.listeners.end() || st.full(true)) {
          ++st.tally.refused;
          self->close(m.handle);
          return;
        }
        auto& c = add_peer(self, m.handle, true, l->second.raw);
        c.via = m.source;
        if (c.raw)
          return; // the TLS port is connected once a ClientHello is there
        c.frames.emplace(basp_frame::speaker::client, st.caps());
        attach_inbound(self, m.handle, l->second);
      },
      [=](const caf::io::new_data_msg& m) {
        auto i = self->state.conns.find(m.handle);
        if (i == self->state.conns.end())
          return;
        if (i->second.peer)
          from_peer(self, m.handle, i->second, m);
        else if (i->second.other != caf::io::invalid_connection_handle)
          from_inner(self, i->second, m);
      },
      [=](const caf::io::data_transferred_msg& m) {
        auto& st = self->state;
        auto i = st.conns.find(m.handle);
        if (i == st.conns.end())
          return;
        auto j = st.conns.find(i->second.other);
        if (j != st.conns.end() && j->second.paused &&
            m.remaining < st.cfg.high_water / 4) {
          j->second.paused = false;
          j->second.last_rx = clock_type::now();
          self->ack_writes(m.handle, false);
          self->trigger(j->first);
        }
      },
      [=](const caf::io::connection_closed_msg& m) { drop(self, m.handle); },
      [=](relay_closed_atom, connection_handle peer, connection_handle relay) {
        if (with_relay(self, peer, relay))
          drop(self, peer);
      },
      [=](relay_drained_atom, connection_handle peer, connection_handle relay) {
        auto c = with_relay(self, peer, relay);
        if (c && c->paused && c->relay->held() < self->state.cfg.high_water / 4) {
          c->paused = false;
          c->last_rx = clock_type::now();
          self->trigger(peer);
        }
      },
      [=](const caf::io::acceptor_closed_msg& m) {
        self->state.listeners.erase(m.handle);
      },
      [=](tick_atom) { on_tick(self); },
      [=](caf::connect_atom, const std::string& host, uint16_t port) {
        auto& st = self->state;
        auto rp = self->make_response_promise();
        if (st.full(false)) {
          ++st.tally.refused;
          rp.deliver(too_many());
          return;
        }
        auto id = ++st.next_dial;
        auto limit = dial_limit(st.cfg);
        st.dials[id] = pending_dial{rp, clock_type::now() + limit, port};
        ++st.connecting;
        arm(self);
        self->system().spawn(connector, caf::actor_cast<caf::actor>(self), id, host, port,
                             st.cfg.handshake_timeout);
      },
      [=](dialed_atom, uint64_t id, caf::io::scribe_ptr& sp) { connected(self, id, sp); },
      [=](dialed_atom, uint64_t id, caf::error& err) {
        auto& st = self->state;
        auto d = st.dials.find(id);
        if (d == st.dials.end())
          return;
        --st.connecting;
        d->second.rp.deliver(std::move(err));
        st.dials.erase(d);
      },
      [=](caf::get_atom) {
        auto& t = self->state.tally;
        return std::make_tuple(t.rejected, t.timed_out, t.refused,
                               static_cast<uint64_t>(self->state.peers));
      },
  };
}

} // namespace

caf::actor spawn_broker(caf::actor_system& sys, const settings& cfg) {
  return sys.middleman().spawn_broker<caf::hidden>(guard_broker, cfg);
}

} // namespace gossip::guard
