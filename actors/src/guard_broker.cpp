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

#include <vector>

#include "guard_state.hpp"

namespace gossip::guard {

const char* broker_state::name = "gossip_guard";

namespace {

caf::actor basp(broker* self) {
  return self->parent().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
}

} // namespace

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

namespace {

// BASP's end of `peer`'s connection: a relay (relay_scribe.hpp) that BASP
// reads and writes like a socket.
caf::io::scribe_ptr make_relay(broker* self, connection_handle peer) {
  relay_scribe::sink s;
  s.write = [self, peer](const char* data, size_t size) {
    if (!self->valid(peer))
      return; // closed, the guard not yet told (CAF would keep the bytes forever)
    self->write(peer, size, data);
    self->flush(peer);
  };
  auto r =
      caf::make_counted<relay_scribe>(self->remote_addr(peer), self->remote_port(peer));
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

void from_peer(broker* self, connection_handle h, conn& c,
               const caf::io::new_data_msg& m) {
  auto& st = self->state;
  c.last_rx = clock_type::now();
  if (c.raw) {
    from_tls_peer(self, h, c, m);
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
  // Bytes BASP is not reading yet (it has not taken the relay): the peer
  // waits while they are many. A large frame BASP is reading is not among
  // them (BASP needs its rest).
  if (relay->backlog() > st.cfg.high_water && !c.paused) {
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
                   ((!c.paused || c.relay) && now - c.last_rx > st.cfg.idle_timeout)))
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
          from_tls_port(self, i->second, m);
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
        if (c && c->paused && c->relay->backlog() < self->state.cfg.high_water / 4) {
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
