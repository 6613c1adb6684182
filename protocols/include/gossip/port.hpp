// The ports through which a protocol sees the world (principle 1 of DESIGN.md).
//
// `port` is all a dissemination protocol gets: who and when, whom to talk
// to, send, the store and the event sink. Membership protocols (SWIM, later
// HyParView) also get a `membership_port` to say who is up or down and to
// reach addresses. Neither touches sockets, threads or CAF's scheduler, so
// the same protocol runs in one process, across processes, under a
// deterministic scheduler, and against a fake port in a unit test.
#pragma once

#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gossip/event.hpp"
#include "gossip/limits.hpp"
#include "gossip/rng.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

/// What a message carries, for counting: the papers' "traffic" counts only
/// messages that carry an update (entries, a rumor, a share).
enum class carries : bool { control = false, update = true };

/// What a port counts besides messages.
enum class tally : uint8_t {
  /// Something new to this node arrived (first and last round are kept).
  fresh,
  /// One bad item of a batch was dropped (the rest was used).
  rejected_item,
  /// SWIM marked a member suspect.
  suspicion,
  /// SWIM refuted a claim that this node is suspect, dead or gone.
  refutation,
};

class port {
public:
  virtual ~port();

  // -- who and when ----------------------------------------------------------
  virtual const std::string& self() const = 0;
  /// Rounds this node has run so far.
  virtual uint64_t round() const = 0;
  virtual int64_t now_ms() const = 0;
  virtual rng_type& rng() = 0;
  virtual const gossip::limits& limits() const = 0;

  // -- whom ------------------------------------------------------------------
  /// The live peers in natural name order. A shared in-process view may
  /// contain the node itself; sample() never picks it.
  virtual const std::vector<std::string>& peers() const = 0;
  /// Up to k live peers chosen by the node's sampler.
  virtual std::vector<std::string> sample(size_t k) = 0;
  /// A label (zone, topics, value ...) of a peer or of this node; "" if none.
  virtual std::string label(const std::string& name, const std::string& key) const = 0;

  // -- messages, state, events -----------------------------------------------
  /// Sends to a peer by name; a message built once goes to many peers
  /// without copying its payload.
  virtual void send(const std::string& peer, const caf::message& msg, carries what) = 0;
  virtual store& data() = 0;
  /// Anyone listening? (Skip building events nobody reads.)
  virtual bool observed() const = 0;
  /// Reports an event; the node fills in its name, round and time.
  virtual void emit(event ev) = 0;
  virtual void count(tally what, const std::string& why = {}) = 0;
  /// True when the message being handled came from `name` itself: through
  /// the route to `name`, or (no route yet) the one the gate just bound.
  /// A `from` field is a claim; overlays check it before a peer's word
  /// changes a link (a forged DISCONNECT or PRUNE would cut any link).
  virtual bool sender_is(const std::string& /* name */) const { return true; }

  // -- synchronous rounds (simulations) --------------------------------------
  /// True when entries merged now take effect only at the end of the round
  /// (the papers' synchronous rounds): this round's answers and "already
  /// knew it" come from the state at the round's start.
  virtual bool holds_merges() const { return false; }
  /// Keeps a checked entry until the round ends; the node then merges it
  /// with merge_now. Only called when holds_merges().
  virtual void hold(const std::string& /* from */, const keyed_entry& /* x */) {}
  /// An entry new to this node was merged (its origin time measures how long
  /// the write took to get here); nothing by default.
  virtual void arrived(const entry&) {}
};

/// What only membership protocols get.
class membership_port {
public:
  virtual ~membership_port();
  /// Own address ("host:port"), empty for a node only reachable in-process.
  virtual const std::string& address() const = 0;
  /// This node's own labels, gossiped with it.
  virtual const std::map<std::string, std::string>& labels() const = 0;
  /// `name` is live: sampled from now on, its labels visible through
  /// port::label. With an address and no route yet (or `reconnect`), the
  /// node connects to it in the background; with a route but an unverified
  /// address, it connects there to verify it. Without either it is not
  /// sampled: there is no way to reach it yet.
  virtual void peer_up(const std::string& name, const std::string& address,
                       bool reconnect,
                       const std::map<std::string, std::string>& labels) = 0;
  /// `name` is gone: no sampler picks it any more; a remote route is dropped.
  virtual void peer_down(const std::string& name) = 0;
  /// Sends to whoever listens at "host:port" (connecting first if needed):
  /// how seeds are reached before their names are known.
  virtual void send_to_address(const std::string& address, const caf::message& msg) = 0;
  /// True when `name` is known to listen at `address`: a message from it came
  /// through our connection there. Anyone can *claim* an address for any
  /// name; only verified ones may be passed on, or one claim would make every
  /// node connect wherever it says.
  virtual bool verified(const std::string& name, const std::string& address) const = 0;
  /// Changes whenever verified() may have become true for some name: a
  /// protocol that rescans its members for newly verified addresses skips
  /// the scan while it stays the same. A port that cannot tell returns a new
  /// value on each call (the default).
  virtual uint64_t verification_epoch() const { return ++unknown_epoch_; }
  /// True while the connection to `name` is being set up: what is sent to it
  /// now waits for the connection (a guard dial and CAF's handshake: under a
  /// join storm on a busy machine, longer than a probe's deadline). False
  /// once it is up or has failed, and for peers reached in-process.
  virtual bool connecting(const std::string& /* name */) const { return false; }
  /// The incarnation this life starts at: 1, or one above the last one a
  /// data directory kept, so a restarted node outbids its previous life.
  virtual uint64_t first_incarnation() const { return 1; }
  /// This node's own incarnation changed (a data directory keeps it).
  virtual void incarnation_changed(uint64_t /* incarnation */) {}

private:
  mutable uint64_t unknown_epoch_ = 0;
};

// -- the data path's shared steps (port.cpp) ---------------------------------

/// Sends an update to k sampled peers other than `a` and `b` (the peer it
/// came from, its origin): sending it back to them is pointless.
void forward(port& p, size_t k, const caf::message& msg, const std::string& a = {},
             const std::string& b = {});

/// Empty when `x` may be merged here: valid (validate(keyed_entry)) and its
/// version not absurdly far ahead of this node's clock, nor moving it faster
/// than limits::max_version_rate (store::remote_ceiling).
std::string check_entry(port& p, const keyed_entry& x);

/// The last step of every update: each valid entry is delivered, merged into
/// the store and reported as stored when it changed something; an invalid one
/// is dropped and counted. Returns the keys that changed, each once.
std::vector<std::string> merge(port& p, const std::string& from,
                               const std::vector<keyed_entry>& entries);
/// The same for one entry; true when it changed the store. Where the port
/// holds merges, the entry is checked, held and true returned when it would
/// change the store as it was at the start of the round.
bool merge(port& p, const std::string& from, const keyed_entry& x);
/// Merges one entry at once, whatever the port holds (a held entry at the
/// end of its round).
bool merge_now(port& p, const std::string& from, const keyed_entry& x);

/// A rumor new to this node arrived from `from` and is delivered here.
void deliver(port& p, const std::string& from, const rumor& r);

/// Builds a message; a shorthand for protocols.
template <class T> caf::message wire(T&& x) {
  return caf::make_message(std::forward<T>(x));
}

} // namespace gossip
