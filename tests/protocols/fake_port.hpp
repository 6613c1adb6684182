// A node without an actor system, for driving protocols by direct calls.
//
// `fake_node` implements the three faces a protocol sees (port,
// membership_port, gate) over plain data and records everything the protocol
// does through them. `fake_network` connects several fake nodes: it delivers
// every recorded send to the node of that name and every reply back to the
// sender of the message answered, one message at a time in FIFO order, so a
// whole exchange between instances runs deterministically in one call.
#pragma once

#include <caf/message.hpp>
#include <caf/message_handler.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gossip/protocol.hpp"
#include "gossip/registry.hpp"
#include "gossip/sampler.hpp"

namespace gossip::test {

inline keyed_entry make_entry(std::string key, std::string value, uint64_t version,
                              std::string origin) {
  return keyed_entry{std::move(key), entry{std::move(value), version, std::move(origin)}};
}

/// A message a node put on the wire.
struct envelope {
  enum kind_type { send, reply, to_address };
  kind_type kind = send;
  std::string from;
  /// A peer's name, the sender of the answered message, or an address.
  std::string to;
  caf::message msg;
  carries what = carries::control;
};

struct peer_up_call {
  std::string name;
  std::string address;
  bool reconnect = false;
  std::map<std::string, std::string> labels;
};

/// The element of a one-element message of type T, or nullptr.
template <class T> const T* as(const caf::message& msg) {
  if (msg.size() == 1 && msg.match_element<T>(0))
    return &msg.get_as<T>(0);
  return nullptr;
}

class fake_node final : public port, public membership_port, public gate {
public:
  explicit fake_node(std::string name, uint64_t seed = 1);
  ~fake_node() override;

  // -- setup -----------------------------------------------------------------

  /// Replaces the peer list: sorted in natural order, without self, no doubles.
  void set_peers(std::vector<std::string> names);
  void set_label(const std::string& name, const std::string& key, std::string value);
  void set_sampler(std::unique_ptr<peer_sampler> s) { sampler_ = std::move(s); }

  /// Adds a protocol (made by name from `ps`), attaches it when it is a
  /// membership protocol and builds its handlers once.
  protocol& add(const std::string& name, const params& ps = {});
  protocol& add(std::unique_ptr<protocol> p);
  protocol& proto(size_t i = 0) { return *protocols_.at(i); }

  // -- driving ---------------------------------------------------------------

  /// One round: the counter goes up, then every protocol's on_round.
  void tick();
  /// Delivers `msg` as if `sender` had sent it: through the handlers of
  /// every protocol, in the order added. False if no handler took it.
  bool receive(const caf::message& msg, const std::string& sender = "?");
  template <class T> bool receive_typed(T x, const std::string& sender = "?") {
    return receive(caf::make_message(std::move(x)), sender);
  }
  /// An application request (broadcast, estimate ...); nothing if unhandled.
  std::optional<caf::message> request(caf::message msg);
  /// A local write (or delete) of `key`, as the node makes it.
  void write(const std::string& key, const std::string& value);
  bool erase(const std::string& key);
  void leave();
  size_t pending() const;

  // -- what happened ---------------------------------------------------------

  /// Every send, reply and address send, in order (never drained).
  std::vector<envelope> log;
  std::vector<event> events;
  size_t fresh = 0;
  size_t suspicions = 0;
  size_t refutations = 0;
  /// tally::rejected_item reasons.
  std::vector<std::string> rejected_items;
  /// admit(): every message counted as received, the problems of rejected ones.
  size_t received = 0;
  std::vector<std::string> rejected;
  std::vector<std::string> bound;
  std::vector<peer_up_call> ups;
  std::vector<std::string> downs;
  size_t unhandled = 0;
  /// What a network has not delivered yet.
  std::deque<envelope> outbox;

  /// Messages of type T in the log (of one kind, and to `to` if given).
  template <class T>
  std::vector<T> sent(envelope::kind_type kind = envelope::send,
                      const std::string& to = {}) const {
    std::vector<T> result;
    for (auto& e : log)
      if (auto x = as<T>(e.msg); x && e.kind == kind && (to.empty() || e.to == to))
        result.push_back(*x);
    return result;
  }
  template <class T> std::vector<T> replied() const { return sent<T>(envelope::reply); }
  /// Names the messages of type T were sent to, in order.
  template <class T> std::vector<std::string> targets() const {
    std::vector<std::string> result;
    for (auto& e : log)
      if (as<T>(e.msg) && e.kind == envelope::send)
        result.push_back(e.to);
    return result;
  }
  std::vector<event> events_of(event_kind k) const;
  void clear_records();

  // -- port --------------------------------------------------------------------
  const std::string& self() const override { return name_; }
  uint64_t round() const override { return round_; }
  int64_t now_ms() const override { return now; }
  rng_type& rng() override { return rng_; }
  const gossip::limits& limits() const override { return lim; }
  const std::vector<std::string>& peers() const override { return peers_; }
  std::vector<std::string> sample(size_t k) override;
  std::string label(const std::string& name, const std::string& key) const override;
  void send(const std::string& peer, const caf::message& msg, carries what) override;
  store& data() override { return data_; }
  bool observed() const override { return observed_flag; }
  /// A test's receive(msg, sender) names the sender; "?" is anyone.
  bool sender_is(const std::string& name) const override {
    return sender_.empty() || sender_ == "?" || sender_ == name;
  }
  void emit(event ev) override;
  void count(tally what, const std::string& why) override;
  bool holds_merges() const override { return holding; }
  void hold(const std::string& from, const keyed_entry& x) override {
    held.emplace_back(from, x);
  }
  /// Synchronous rounds: the round ends, what was held is merged.
  void end_round() {
    auto due = std::move(held);
    held.clear();
    for (auto& [from, x] : due)
      merge_now(*this, from, x);
  }

  // -- membership_port ---------------------------------------------------------
  const std::string& address() const override { return addr; }
  const std::map<std::string, std::string>& labels() const override;
  void peer_up(const std::string& name, const std::string& address, bool reconnect,
               const std::map<std::string, std::string>& labels) override;
  void peer_down(const std::string& name) override;
  void send_to_address(const std::string& address, const caf::message& msg) override;
  bool verified(const std::string& name, const std::string& address) const override;
  bool connecting(const std::string& name) const override {
    return dialing.count(name) > 0;
  }
  uint64_t verification_epoch() const override {
    return epoch ? *epoch : membership_port::verification_epoch();
  }

  // -- gate --------------------------------------------------------------------
  gossip::port& port() override { return *this; }
  bool admit(const std::string& problem) override;
  void bind(const std::string& name) override;
  void answer(reply r) override;

  // -- plain settings ----------------------------------------------------------
  int64_t now = 0;
  gossip::limits lim;
  bool observed_flag = true;
  /// Synchronous rounds: received entries wait in `held` for end_round().
  bool holding = false;
  std::vector<std::pair<std::string, keyed_entry>> held;
  /// Own address ("host:port"); a network routes address sends by it.
  std::string addr;
  /// membership_port::verified: every address, or only these name@address.
  bool verify_all = true;
  std::set<std::string> verified_at;
  /// membership_port::verification_epoch: this, when set; else a new value
  /// on each call (anything may have been verified).
  std::optional<uint64_t> epoch;
  /// membership_port::connecting: peers whose connection is "being set up".
  std::set<std::string> dialing;

private:
  void record(envelope e);

  std::string name_;
  uint64_t round_ = 0;
  rng_type rng_;
  store data_;
  std::vector<std::string> peers_;
  std::map<std::string, std::map<std::string, std::string>> labels_;
  std::unique_ptr<peer_sampler> sampler_;
  std::vector<std::unique_ptr<protocol>> protocols_;
  std::vector<caf::message_handler> handlers_;
  /// Who sent the message being handled (replies go there).
  std::string sender_;
};

/// Several fake nodes that reach each other by name (and by address).
class fake_network {
public:
  /// A node named `name` (seeded with `seed`, or by its position).
  fake_node& add(const std::string& name, uint64_t seed = 0);
  fake_node& operator[](const std::string& name) { return *nodes_.at(name); }
  /// Makes every node a peer of every other.
  void connect_all();

  /// Delivers outstanding messages, FIFO, including those their delivery
  /// causes, until none is left or `max` were delivered. Returns how many.
  size_t settle(size_t max = 100000);
  /// Every node ticks once (name order), then everything settles.
  void round();

  /// Nodes that hear nothing (crashed or cut off); messages to them are lost.
  std::set<std::string> down;
  /// Returns true for a message to drop on its way.
  std::function<bool(const envelope&)> drop;
  size_t lost = 0;
  size_t delivered = 0;

private:
  void collect();
  std::map<std::string, std::unique_ptr<fake_node>> nodes_;
  std::deque<envelope> queue_;
};

} // namespace gossip::test
