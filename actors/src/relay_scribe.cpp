#include "relay_scribe.hpp"

#include <caf/io/abstract_broker.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/io/network/operation.hpp>

#include <algorithm>
#include <atomic>

namespace gossip::guard {

namespace {

// Handles of real sockets are their descriptors: small numbers. A relay's is
// far above any, unique in the process (one BASP per actor system, several
// systems per process in tests and in gossip-node --nodes=K).
caf::io::connection_handle next_handle() {
  static std::atomic<int64_t> next{int64_t{1} << 40};
  return caf::io::connection_handle::from_int(next++);
}

// What an emptied buffer may keep: a few reads' worth.
constexpr size_t keep_capacity = 64 * 1024;

} // namespace

relay_scribe::relay_scribe(std::string addr, uint16_t port)
    : caf::io::scribe(next_handle()), addr_(std::move(addr)), port_(port),
      policy_(caf::io::receive_policy::at_most(0)) {}

void relay_scribe::push(const char* data, size_t size) {
  in_.insert(in_.end(), data, data + size);
}

size_t relay_scribe::next_read() const {
  using flag = caf::io::receive_policy_flag;
  auto have = held();
  auto want = policy_.second;
  if (!configured_ || have == 0)
    return 0;
  switch (policy_.first) {
  case flag::exactly:
    return want > 0 && have >= want ? want : 0;
  case flag::at_most:
    return std::min(have, std::max<size_t>(want, 1));
  case flag::at_least:
    return have >= want ? have : 0;
  }
  return 0;
}

void relay_scribe::drain(caf::execution_unit* ctx) {
  caf::intrusive_ptr<relay_scribe> keep{this}; // BASP may close us meanwhile
  draining_ = true;
  while (reading_ && !detached()) {
    auto n = next_read();
    if (n == 0)
      break;
    if (off_ == 0 && n == in_.size()) {
      rd_buf_.swap(in_); // the whole buffer is one read: no copy
      in_.clear();
    } else {
      rd_buf_.assign(in_.begin() + off_, in_.begin() + off_ + n);
      off_ += n;
    }
    if (!consume(ctx, rd_buf_.data(), n))
      reading_ = false;
  }
  draining_ = false;
  if (rd_buf_.capacity() > keep_capacity)
    std::vector<char>{}.swap(rd_buf_);
  // What BASP has not read (less than one read) moves to the front; one
  // large frame does not stay allocated.
  in_.erase(in_.begin(), in_.begin() + off_);
  off_ = 0;
  if (in_.empty() && in_.capacity() > keep_capacity)
    std::vector<char>{}.swap(in_);
}

void relay_scribe::post_drain() {
  if (posted_ || detached())
    return;
  posted_ = true;
  auto* mx = &parent()->backend();
  caf::intrusive_ptr<relay_scribe> self{this};
  mx->post([self, mx] {
    self->posted_ = false;
    self->drain(mx);
    if (self->cut_ && !self->detached())
      self->io_failure(mx, caf::io::network::operation::read);
    else if (self->sink_.drained)
      self->sink_.drained();
  });
}

void relay_scribe::cut() {
  cut_ = true;
  sink_ = {};
  post_drain(); // the held bytes first, then the close
}

void relay_scribe::configure_read(caf::io::receive_policy::config config) {
  policy_ = config;
  if (!configured_)
    reading_ = true; // a socket's first configure_read starts its reads
  configured_ = true;
  if (!draining_ && (held() > 0 || cut_))
    post_drain();
}

void relay_scribe::add_to_loop() {
  reading_ = true;
  if (!draining_ && (held() > 0 || cut_))
    post_drain();
}

void relay_scribe::flush() {
  if (wr_buf_.empty())
    return;
  if (sink_.write)
    sink_.write(wr_buf_.data(), wr_buf_.size());
  wr_buf_.clear();
}

void relay_scribe::graceful_shutdown() {
  caf::intrusive_ptr<relay_scribe> keep{this}; // detaching drops BASP's reference
  flush(); // what BASP wrote before closing still goes out
  auto closed = std::move(sink_.closed);
  sink_ = {};
  if (!detached())
    detach(&parent()->backend(), false);
  if (closed)
    closed();
}

} // namespace gossip::guard
