// BASP's end of a guarded connection, in memory. The guard (guard_broker.cpp)
// reads the peer's socket, checks each frame, and pushes the checked bytes
// here; BASP reads them as it would read a socket, and what BASP writes goes
// straight to the guard's write buffer for the peer. Both brokers run on the
// middleman's I/O thread, so a checked frame reaches BASP in the same thread
// turn: no socketpair between them, no system calls of their own (a
// socketpair cost each message about six more and a wake-up per side).
#pragma once

#include <caf/io/scribe.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace gossip::guard {

class relay_scribe final : public caf::io::scribe {
public:
  /// What the relay tells the guard, on the I/O thread. `write` and
  /// `closed` come from inside BASP's handlers, which may run inside the
  /// guard's own drain(): they only append to the peer's write buffer and
  /// send the guard a message. `drained` comes in a turn of its own.
  struct sink {
    /// BASP's bytes for the peer.
    std::function<void(const char* data, size_t size)> write;
    /// BASP closed its end.
    std::function<void()> closed;
    /// A later turn's drain() ran: a paused peer may read again.
    std::function<void()> drained;
  };

  relay_scribe(std::string addr, uint16_t port);
  /// Set once, after construction: its callbacks name the relay's handle.
  void set_sink(sink s) { sink_ = std::move(s); }

  /// Checked bytes from the peer, held until drain() or BASP's next read.
  void push(const char* data, size_t size);
  /// Hands BASP every read it configured that the held bytes complete.
  void drain(caf::execution_unit* ctx);
  /// Bytes held for BASP.
  size_t held() const { return in_.size() - off_; }
  /// Held bytes BASP is not reading yet (it has not taken the relay, or
  /// stopped reading): the peer should wait while they are many. Bytes of a
  /// read BASP waits to complete are not among them: it needs more.
  size_t backlog() const { return configured_ && reading_ ? 0 : held(); }
  /// The peer is gone: BASP learns it (posted), BASP's writes go nowhere.
  void cut();

  // caf::io::scribe, called by BASP.
  void configure_read(caf::io::receive_policy::config config) override;
  /// Never acknowledged: BASP does not ask, and an acknowledgement from
  /// inside BASP's own flush would re-enter it.
  void ack_writes(bool) override {}
  std::vector<char>& wr_buf() override { return wr_buf_; }
  std::vector<char>& rd_buf() override { return rd_buf_; }
  void flush() override;
  void graceful_shutdown() override;
  std::string addr() const override { return addr_; }
  uint16_t port() const override { return port_; }
  void add_to_loop() override;
  void remove_from_loop() override { reading_ = false; }

private:
  // How many held bytes the next read takes (0: not yet).
  size_t next_read() const;
  // Runs drain() (or reports the cut) in a later turn of the I/O thread:
  // BASP's own calls must not re-enter BASP.
  void post_drain();

  std::string addr_;
  uint16_t port_;
  sink sink_;
  caf::io::receive_policy::config policy_;
  bool configured_ = false;
  bool reading_ = false;
  bool cut_ = false;
  bool posted_ = false;
  bool draining_ = false;
  std::vector<char> in_;
  size_t off_ = 0;
  std::vector<char> rd_buf_;
  std::vector<char> wr_buf_;
};

} // namespace gossip::guard
