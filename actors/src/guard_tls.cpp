// A TLS peer through the guard (guard_state.hpp): a guard cannot look inside
// TLS, so it holds the client's first record until it is whole and looks like
// a ClientHello, then passes bytes both ways unparsed to caf::openssl's port
// on 127.0.0.1, counting turns until the handshake is through.
#include "gossip/tls_record.hpp"
#include "guard_state.hpp"

namespace gossip::guard {

namespace {

// Our side of a raw peer: `h` is our connection to the TLS port.
void add_inner(broker* self, connection_handle h, connection_handle peer) {
  auto& c = self->state.conns[h];
  c.other = peer;
  c.raw = true;
  auto& p = self->state.conns[peer];
  p.other = h;
  auto chunk = p.handshaken ? read_chunk : handshake_chunk;
  self->configure_read(h, caf::io::receive_policy::at_most(chunk));
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
  add_inner(self, *b, h);
  self->write(*b, c.held.size(), c.held.data());
  self->flush(*b);
  std::string{}.swap(c.held);
  c.turns = 1;
  return true;
}

} // namespace

void from_tls_port(broker* self, conn& c, const caf::io::new_data_msg& m) {
  // The TLS port towards the peer: trusted, unparsed.
  self->write(c.other, m.buf.size(), m.buf.data());
  self->flush(c.other);
  auto p = self->state.conns.find(c.other);
  if (p != self->state.conns.end() && !p->second.handshaken && p->second.turns % 2 == 1 &&
      ++p->second.turns >= 4)
    handshake_through(self, p->first, p->second);
}

void from_tls_peer(broker* self, connection_handle h, conn& c,
                   const caf::io::new_data_msg& m) {
  if (c.other == caf::io::invalid_connection_handle) {
    if (!hold_hello(self, h, c, m)) {
      ++self->state.tally.rejected;
      drop(self, h);
    }
    return;
  }
  if (!c.handshaken && c.turns % 2 == 0)
    ++c.turns;
  self->write(c.other, m.buf.size(), m.buf.data());
  backpressure(self, h, c);
}

} // namespace gossip::guard
