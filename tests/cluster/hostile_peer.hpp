// A hostile peer of our own for the protocol-level abuse tests: a CAF
// process that connects to gossip-node processes on 127.0.0.1 like any peer
// (middleman, BASP, through the node's connection guard) and sends them the
// cluster's typed wire messages with whatever content it likes. It shares
// nothing with a node but the wire types and their registration.
//
// A message goes out either anonymously or as sent by an actor of ours that
// never answers (the `mute` sender): a node that binds a forged `from` to
// it routes that member's traffic to us, and `stolen()` counts what came.
#pragma once

#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "gossip/counters.hpp"
#include "gossip/membership.hpp"

namespace gossip::hostile {

enum class sender { anonymous, mute };

class hostile_peer {
public:
  hostile_peer();
  ~hostile_peer();
  hostile_peer(const hostile_peer&) = delete;
  hostile_peer& operator=(const hostile_peer&) = delete;

  /// Sends `msg` to the node listening on 127.0.0.1:port (connecting on first
  /// use); false if that node cannot be reached.
  bool send(uint16_t port, caf::message msg, sender as = sender::mute);
  template <class T> bool send_wire(uint16_t port, T msg, sender as = sender::mute) {
    return send(port, caf::make_message(std::move(msg)), as);
  }

  /// What the node says about itself, asked as gossip-ctl asks. A failed
  /// request drops the connection: the next call to that port connects anew.
  std::optional<counters> stats(uint16_t port);
  std::optional<std::vector<member_update>> members(uint16_t port);

  /// Messages nodes sent to our mute actor (none was meant for it).
  size_t stolen() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace gossip::hostile
