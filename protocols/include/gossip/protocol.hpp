// The protocol plug-in contract.
//
// A protocol sees the world only through a `context`: its own name, a peer
// sampler, `send`, a seeded RNG, the round and the clock, the local store and
// an event sink. It never touches sockets, threads or CAF's scheduler, so the
// same protocol runs in one process, across processes, and under CAF's
// deterministic scheduler, and the same seed gives the same messages.
#pragma once

#include <caf/make_message.hpp>
#include <caf/message_handler.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "gossip/event.hpp"
#include "gossip/rumor.hpp"
#include "gossip/sampler.hpp"
#include "gossip/store.hpp"

namespace gossip {

/// Bounds every message from outside is checked against before it touches state.
struct limits {
  size_t max_name_bytes = 256;
  size_t max_key_bytes = 1024;
  size_t max_value_bytes = 1 << 20;
  size_t max_entries = 100000;
};

/// Empty when `entries` is well-formed, else what is wrong with it.
std::string check_entries(const std::vector<keyed_entry>& entries, const limits& lim);

/// Empty when `name` is a plausible node name, else what is wrong with it.
std::string check_name(const std::string& name, const limits& lim);

/// Empty when a message from `from` carrying `entries` is well-formed.
std::string check_update(const std::string& from, const std::vector<keyed_entry>& entries,
                         const limits& lim);

class context {
  template <class T>
  using not_a_message = std::enable_if_t<!std::is_same_v<std::decay_t<T>, caf::message>>;

public:
  virtual ~context();

  // -- who and when ----------------------------------------------------------
  virtual const std::string& self() const = 0;
  /// Live peers (never self), in a stable order.
  virtual const std::vector<std::string>& peers() const = 0;
  /// Up to k peers chosen by the node's configured sampler.
  virtual std::vector<std::string> sample(size_t k) = 0;
  /// Sends an update to k sampled peers other than `a` and `b` (the peer it
  /// came from, its origin): it is pointless to send it back to them.
  void forward(size_t k, const caf::message& msg, const std::string& a = {},
               const std::string& b = {});
  virtual rng_type& rng() = 0;
  /// Rounds this node has run so far.
  virtual uint64_t round() const = 0;
  virtual int64_t now_ms() const = 0;
  virtual const gossip::limits& limits() const = 0;

  // -- state -----------------------------------------------------------------
  virtual store& data() = 0;

  // -- messages --------------------------------------------------------------
  /// Sends to a peer by name; a message built once can go to many peers
  /// without copying its payload.
  virtual void send(const std::string& peer, const caf::message& msg) = 0;

  template <class T, class = not_a_message<T>> void send(const std::string& peer, T&& x) {
    send(peer, caf::make_message(std::forward<T>(x)));
  }

  /// A message that carries an update (entries, a rumor, a share): counted
  /// apart, as the papers' "traffic" counts only those.
  void send_update(const std::string& peer, const caf::message& msg) {
    note_update();
    send(peer, msg);
  }
  virtual void note_update() = 0;

  /// Answers the sender of the message being handled (even one we do not
  /// know as a peer yet).
  virtual void reply(const caf::message& msg) = 0;

  template <class T, class = not_a_message<T>> void reply(T&& x) {
    reply(caf::make_message(std::forward<T>(x)));
  }

  /// Call first in every handler with the result of validating the current
  /// message: counts it as received, and on a non-empty problem counts it as
  /// rejected (logged once per kind) and returns false: drop the message.
  virtual bool admit(const std::string& problem) = 0;

  // -- membership (driven by a membership protocol such as SWIM) -----------
  /// Own address ("host:port"), empty for a node only reachable in-process.
  virtual const std::string& address() const = 0;
  /// `name` is a live peer: sampled from now on. With an address and no
  /// route yet (or `reconnect`), the node connects to it in the background.
  /// `labels` (zone, role, topics...) become visible through label().
  virtual void peer_up(const std::string& name, const std::string& address,
                       bool reconnect,
                       const std::map<std::string, std::string>& labels = {}) = 0;
  /// This node's own labels (zone, role, topics, value ...).
  virtual const std::map<std::string, std::string>& labels() const = 0;
  /// A label of a peer or of this node ("" when it has none).
  virtual std::string label(const std::string& name, const std::string& key) const = 0;
  /// `name` is gone: no longer sampled; a remote route is dropped.
  virtual void peer_down(const std::string& name) = 0;
  /// The sender of the current message is `name`: route to it from now on.
  virtual void bind_sender(const std::string& name) = 0;
  /// Sends to whoever listens at "host:port" (connecting first if needed);
  /// used to reach seeds whose names we do not know yet.
  virtual void send_to_address(const std::string& address, const caf::message& msg) = 0;

  // -- events ----------------------------------------------------------------
  /// Anyone listening? (Skip building events nobody reads.)
  virtual bool observed() const = 0;
  /// Reports an event; the node fills in its name, round and time.
  virtual void emit(event ev) = 0;
  /// An update from `from` arrived (new to us or not).
  void on_delivered(const std::string& from, const std::string& key, const entry& e);
  /// The store changed under `key` (a local write or a merge).
  void on_stored(const std::string& key, const entry& e);
  /// A rumor new to this node arrived (and is delivered here).
  void on_rumor(const std::string& from, const rumor& r);
  /// Something new arrived from outside (counted: first and last round).
  virtual void note_fresh() = 0;

  /// The data path's last step: each entry is delivered, merged into the
  /// store, and reported as stored when it changed something. Returns the
  /// keys that changed.
  std::vector<std::string> merge(const std::string& from,
                                 const std::vector<keyed_entry>& entries);
};

class protocol {
public:
  virtual ~protocol();
  /// The name it is selected by ("push", "push-pull", ...).
  virtual const char* name() const = 0;
  /// Handlers for this protocol's own typed messages.
  virtual caf::message_handler handlers(context& ctx) = 0;
  /// One gossip round: called on every tick of the node.
  virtual void on_round(context& ctx) = 0;
  /// Called after a local write of `key`, for protocols that spread at once.
  virtual void on_local_write(context&, const std::string& /* key */) {}
  /// The node is leaving the cluster gracefully: say goodbye.
  virtual void on_leave(context&) {}
  /// Updates this protocol is still spreading (hot rumors, queued forwards);
  /// an epidemic has died out when every node's protocols report 0.
  virtual size_t pending() const { return 0; }
};

} // namespace gossip
