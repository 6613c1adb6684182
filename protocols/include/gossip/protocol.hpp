// The protocol plug-in contract.
//
// A protocol is a name, what to do each round, and handlers for its own typed
// messages, all through a port (port.hpp). Handlers are registered typed with
// `on<T>(f)`: whoever runs the protocol (the node actor, or a test's fake)
// validates the message with `validate(const T&, const limits&)`, counts it
// and binds its sender *before* f runs, so no handler can forget to. A
// handler answers the sender by returning a reply; it sends to anyone else
// through the port. Nothing in the contract depends on a "current message".
#pragma once

#include <caf/message_handler.hpp>
#include <caf/type_nr.hpp>

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "gossip/port.hpp"

namespace gossip {

/// A handler's answer to the sender of the message it handled.
struct reply {
  caf::message msg;
  carries what = carries::control;
};
using answer = std::optional<reply>;

template <class T> answer reply_with(T&& x, carries what = carries::control) {
  return reply{caf::make_message(std::forward<T>(x)), what};
}

/// What runs around every handler: the node actor, or a test's fake.
class gate {
public:
  virtual ~gate();
  virtual gossip::port& port() = 0;
  /// Counts the message as received; on a non-empty problem also as
  /// rejected, and returns false: the handler does not run.
  virtual bool admit(const std::string& problem) = 0;
  /// The message claims to come from `name`: route replies and later sends
  /// to `name` through its sender.
  virtual void bind(const std::string& name) = 0;
  virtual void answer(reply r) = 0;
};

/// The typed handlers of one protocol, turned into CAF handlers for a gate.
class handler_set {
public:
  /// f: (port&, const T&) -> void or answer. T has a `from` field and a
  /// `validate(const T&, const limits&)` beside it.
  template <class T, class F> void on(F f) {
    // dispatch() tells types apart by their type_info, which CAF leaves
    // null for its builtin types: a wire message is a struct of ours.
    static_assert(caf::type_nr<T>::value == 0, "a wire message is a struct of its own");
    auto run = [f](gate& g, const T& m) {
      if (!g.admit(validate(m, g.port().limits())))
        return;
      g.bind(m.from);
      if constexpr (std::is_void_v<decltype(f(g.port(), m))>) {
        f(g.port(), m);
      } else if (auto a = f(g.port(), m)) {
        g.answer(std::move(*a));
      }
    };
    makers_.push_back([run](gate& g) {
      return caf::message_handler{[run, &g](const T& m) { run(g, m); }};
    });
    direct_.push_back({&typeid(T), [run](gate& g, const caf::message& msg) {
                         run(g, msg.get_as<T>(0));
                       }});
  }

  /// All handlers, tried in the order registered.
  caf::message_handler build(gate& g) const;

  /// The same handlers called directly, without an actor (a simulation's
  /// runtime): runs the first whose type matches; false when none does.
  bool dispatch(gate& g, const caf::message& msg) const {
    if (msg.size() != 1)
      return false;
    // The same type_info object first (one comparison per handler); equal
    // names only if none is (a type_info from another shared object).
    auto rtti = msg.type(0).second;
    for (auto& d : direct_)
      if (d.type == rtti)
        return d.run(g, msg), true;
    for (auto& d : direct_)
      if (rtti && *d.type == *rtti)
        return d.run(g, msg), true;
    return false;
  }

private:
  struct direct {
    const std::type_info* type;
    std::function<void(gate&, const caf::message&)> run;
  };
  std::vector<std::function<caf::message_handler(gate&)>> makers_;
  std::vector<direct> direct_;
};

/// Wraps a handler f of T: a message whose sender is not the peer its
/// `from` names (port::sender_is) is counted as rejected and dropped.
template <class T, class F> auto from_itself(F f) {
  return [f](port& p, const T& m) -> decltype(f(p, m)) {
    if (!p.sender_is(m.from)) {
      p.count(tally::rejected_item, "a message in another peer's name");
      return decltype(f(p, m))();
    }
    return f(p, m);
  };
}

class protocol {
public:
  virtual ~protocol();
  /// The name it is selected by ("push", "push-pull", ...).
  virtual const char* name() const = 0;
  /// Handlers for this protocol's own messages between nodes.
  virtual void handlers(handler_set& hs) = 0;
  /// Requests from applications (broadcast, estimate ...), answered with a
  /// result; none by default.
  virtual caf::message_handler api(port&) { return {}; }
  /// One gossip round: called on every tick of the node.
  virtual void on_round(port& p) = 0;
  /// Called after a local write of `key`, for protocols that spread at once.
  virtual void on_local_write(port&, const std::string& /* key */) {}
  /// The node is leaving the cluster gracefully: say goodbye.
  virtual void on_leave(port&) {}
  /// The link to `peer` is gone: its connection was lost, or (simulations)
  /// a message to it bounced off a crashed node, as a reset would. Overlays
  /// repair their view, broadcast trees drop the link; nothing by default.
  virtual void link_lost(port&, const std::string& /* peer */) {}
  /// Updates this protocol is still spreading (hot rumors, queued forwards);
  /// an epidemic has died out when every node's protocols report 0.
  virtual size_t pending() const { return 0; }
};

/// A protocol that decides who is a member (SWIM, HyParView): it also gets
/// the membership port, once, before its first round.
class membership_protocol : public protocol {
public:
  virtual void attach(membership_port& m) = 0;
  /// True for a partial view (HyParView): the node's view starts empty, not
  /// from an in-process cluster's directory of every node, and holds only the
  /// peers this protocol brought up. Names stay routable in-process.
  virtual bool partial_view() const { return false; }
};

} // namespace gossip
