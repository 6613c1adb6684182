// How a node reaches peers by name: actor handles it learned (from senders
// and connections), the shared directory of an in-process cluster, and
// connections made in the background: through the system's connection guard
// (guard.hpp), or, with TLS or without a guard, through a middleman actor of
// their own (CAF's connects one at a time). Every connect proceeds on its own
// with its own timeout; one per address at a time, and an address already
// connected is not dialled again, and an address that failed is not dialled
// again before its backoff (1 s, doubling to 16 s) is over: a claimed address
// that leads nowhere costs a few attempts, not one per round. Messages for a
// peer still being connected wait for it (a few at most): losing them would,
// e.g., lose push-sum mass.
//
// A member's address is *verified* once a message from that member came
// through the connection we made to that address: the actor listening there
// is the member itself. Only verified addresses are passed on to others
// (membership_port::verified), so one peer's claim about where a member
// lives makes no other node connect anywhere.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gossip/node.hpp"

namespace gossip {

class accounting;
class fault_layer;

class routing {
public:
  routing(caf::event_based_actor* self, accounting& acct, fault_layer& faults);

  void share(directory_ptr dir) { dir_ = std::move(dir); }
  const directory_ptr& dir() const { return dir_; }

  /// The actor behind `name`, or an invalid handle.
  caf::actor route(const std::string& name) const;
  /// `name` is reachable through `handle` (its sender, a join).
  void bind(const std::string& name, const caf::actor& handle);
  /// Forgets the route to `name` if it leads to another process (it dies
  /// with that process; a later connect finds the new one).
  void drop_remote(const std::string& name);
  /// Forgets `name` altogether (it left).
  void forget(const std::string& name);
  void clear() { handles_.clear(); }

  /// Sends to `name`: at once, after its connection is up (connecting again
  /// if a connection to it was lost), or not at all (counted as unroutable,
  /// or a stopped peer reported to on_lost): false then.
  bool send(const std::string& name, const caf::message& msg);
  /// Connects to `name` at `address` in the background unless a connect is
  /// already under way.
  void connect(const std::string& name, const std::string& address);
  /// Sends to an actor we hold a handle of (an answer to a sender), through
  /// the fault layer.
  void transmit(const caf::actor& to, const caf::message& msg);
  /// Sends to whoever listens at `address`, connecting first.
  void send_to_address(const std::string& address, const caf::message& msg);

  /// A message from `name` came through `handle` (the gate's binding).
  void heard(const std::string& name, const caf::actor& handle);
  /// True once a message from `name` came through our connection to `address`.
  bool verified(const std::string& name, const std::string& address) const;
  /// Goes up whenever verified() may have become true for some name: a new
  /// connection, or a member heard through another handle than before.
  uint64_t verification_epoch() const { return epoch_; }
  /// `name` claims `address`: connects there (unless connected or backing
  /// off) so that the next message from `name` can verify it; the route to
  /// `name` stays.
  void verify(const std::string& name, const std::string& address);

  /// Messages held until their peer's connection is up; connects under way.
  size_t waiting() const;
  size_t connecting() const { return dialing_.size(); }
  /// True while messages for `name` wait for its connection.
  bool connecting(const std::string& name) const { return connecting_.count(name) > 0; }

  /// Watches the actor behind `name` (an overlay's link, in-process too): its
  /// end calls on_lost(name), as a closed connection would. unwatch_link
  /// stops that.
  void watch_link(const std::string& name);
  void unwatch_link(const std::string& name);

  /// A monitored actor is gone: routes to it are forgotten (the next send
  /// to it connects again).
  void down(const caf::actor_addr& who);

  /// Called once when a member's address is verified (a data dir keeps it).
  std::function<void(const std::string& name, const std::string& address)> on_verified;
  /// A send to an in-process peer that stopped is not made but reported to
  /// on_lost, as a refused connection would be (partial views).
  bool report_stopped = false;
  /// Called for each member whose route ended with its connection.
  std::function<void(const std::string& name)> on_lost;
  /// Called when an address cannot be reached (for an event).
  std::function<void(const std::string& address, const std::string& why)> on_unreachable;

private:
  using on_actor = std::function<void(const caf::actor&)>;
  using on_fail = std::function<void()>;

  /// Calls f with the actor published at "host:port", connecting first if
  /// needed, or fail.
  void with_connection(const std::string& address, on_actor f, on_fail fail);
  void dial(const std::string& address, const std::string& host, uint16_t port);
  void dialed(const std::string& address, const caf::actor& h);
  void dial_failed(const std::string& address, const caf::error& err);
  /// Calls on_verified if `name`'s address just became verified.
  void check_verified(const std::string& name);
  /// Monitors a remote handle once: its connection's loss ends its routes.
  void watch(const caf::actor& handle);

  caf::event_based_actor* self_;
  accounting& acct_;
  fault_layer& faults_;
  directory_ptr dir_;
  std::unordered_map<std::string, caf::actor> handles_;
  std::set<std::string> connecting_;
  std::unordered_map<std::string, std::vector<caf::message>> waiting_;
  /// Connections by address (monitored), and callers waiting for one.
  std::unordered_map<std::string, caf::actor> by_address_;
  std::unordered_map<std::string, std::vector<std::pair<on_actor, on_fail>>> dialing_;
  /// Members' addresses, to connect again; the remote handles monitored.
  std::unordered_map<std::string, std::string> addresses_;
  std::set<caf::actor_addr> watched_;
  /// Overlay links watched (watch_link), by name.
  std::unordered_map<std::string, caf::actor_addr> links_;
  /// The handle the last message from each member came through.
  std::unordered_map<std::string, caf::actor> heard_;
  /// The address on_verified was last called with, per member.
  std::unordered_map<std::string, std::string> reported_;
  uint64_t epoch_ = 0;
  /// Addresses that failed, and when they may be dialled again.
  struct backoff {
    std::chrono::steady_clock::time_point until;
    std::chrono::milliseconds next;
  };
  std::unordered_map<std::string, backoff> failed_;
};

} // namespace gossip
