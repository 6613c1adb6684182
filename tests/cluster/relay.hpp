// A TCP relay on ::1 for the address tests: what a port forward or a NAT
// does in front of a node, so that the address a node advertises is not the
// one it is bound to. Bytes pass unchanged both ways; it counts connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace gossip::test {

class relay {
public:
  /// Listens on [::1]:port() at once; connections wait for target().
  relay();
  ~relay(); // closes every connection, joins its thread
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  uint16_t port() const { return port_; }
  /// Where accepted connections go: 127.0.0.1:port (0: not yet, refused).
  void target(uint16_t port) { target_ = port; }
  /// Connections accepted and passed on so far.
  uint64_t relayed() const { return relayed_; }

private:
  void run();

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<uint16_t> target_{0};
  std::atomic<uint64_t> relayed_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace gossip::test
