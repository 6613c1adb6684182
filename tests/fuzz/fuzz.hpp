// What the libFuzzer targets share: reading wire values from the fuzzer's
// bytes as a node reads a peer's (caf::binary_deserializer), and driving one
// protocol instance through the fake port (tests/protocols/fake_port.hpp) with
// a stream of steps, checking invariants after each.
//
// A protocol target's input:
//   byte 0        bit 7: tight limits (tight_limits(), so that small inputs
//                 reach every bound) instead of the defaults; the other bits
//                 pick one of the target's parameter variants
//   then steps    one byte each: `op % (messages + 6)`
//     < messages  the rest of the stream starts that message type, serialized;
//                 it is delivered through the gate (validated first, as the
//                 node does), as if its `from` had sent it
//     tick        one round
//     write       a key and a value (two strings): a local write, as a put
//     erase       a key: a local delete
//     advance     a uint32: the clock moves on by that many ms
//     leave       the node leaves gracefully
//     api         the target's application request (broadcast ...), if any
// The input ends where the bytes end or a value does not deserialize.
#pragma once

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "fake_port.hpp"
#include "gossip/limits.hpp"
#include "gossip/params.hpp"
#include "gossip/store.hpp"

namespace gossip::fuzz {

/// Stops the fuzzer with a message: libFuzzer reports the abort as a crash
/// and saves the input.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}

inline void require(bool ok, const std::string& what) {
  if (!ok)
    fail(what);
}

/// The wire values in a byte string, read one after another.
class reader {
public:
  reader(const uint8_t* data, size_t size)
      : src_(nullptr, reinterpret_cast<const char*>(data), size) {}
  size_t remaining() const { return src_.remaining(); }
  /// False at the end of the input or on bytes that do not deserialize.
  template <class T> bool read(T& x) { return remaining() > 0 && !src_(x); }

private:
  caf::binary_deserializer src_;
};

/// The bytes a node would send for `x`.
template <class T> std::vector<char> to_bytes(const T& x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto copy = x;
  if (auto err = sink(copy))
    fail("serializing a value failed");
  return buf;
}

/// Is there a `validate(const T&, const limits&)`?
template <class T, class = void> struct has_validate : std::false_type {};
template <class T>
struct has_validate<T, std::void_t<decltype(validate(std::declval<const T&>(),
                                                     std::declval<const limits&>()))>>
    : std::true_type {};

// -- protocol targets ---------------------------------------------------------

/// Step codes after the message types (see the top of this file).
enum class action : uint8_t { tick, write, erase, advance, leave, api, count };

/// The node every protocol target drives, its peers and their labels.
inline const char* self_name = "n";
inline const char* self_address = "n:7000";
inline const std::vector<std::string> peer_names{"a", "b", "c"};

/// What a target adds to the common harness.
struct target {
  const char* protocol;
  /// Parameter sets, one picked by the input's first byte.
  std::vector<params> variants{params{}};
  /// Labels and the like, before the protocol is added.
  std::function<void(test::fake_node&)> setup;
  /// The `api` step: reads its arguments and makes a request.
  std::function<void(reader&, test::fake_node&)> api;
  /// Checks after every step, given the message just delivered (or nullptr);
  /// made afresh for each input, so they may remember earlier steps.
  using checks = std::function<void(test::fake_node&, const caf::message* delivered)>;
  std::function<checks()> make_checks;
};

/// Bounds small enough for an input of a few hundred bytes to reach each.
/// Not max_entries: a store with more keys than that makes push, pull,
/// push-pull and rumor mongering send whole-store messages that every peer
/// rejects (a known limit of those protocols, not a hostile input's doing).
inline limits tight_limits() {
  limits lim;
  lim.max_name_bytes = 8;
  lim.max_key_bytes = 8;
  lim.max_value_bytes = 16;
  lim.max_labels = 2;
  lim.max_label_bytes = 8;
  lim.max_version_ahead = 1000;
  lim.max_version_rate = 10;
  lim.max_incarnation_ahead = 16;
  lim.max_members = 4;
  lim.max_rumor_ids = 3;
  lim.max_topics = 2;
  lim.max_origins = 2;
  lim.max_subscribers = 1;
  return lim;
}

/// Every entry in the store validates, and none is ahead of the clock.
inline void check_store(test::fake_node& n) {
  auto& data = n.data();
  require(data.clock() <= store::max_clock, "store clock past its end");
  for (auto& [key, e] : data.items()) {
    auto err = validate(keyed_entry{key, e}, n.lim);
    require(err.empty(), "stored entry does not validate: " + err);
    require(e.version <= data.clock(), "stored version ahead of the clock");
  }
}

/// Whatever the node sent would pass a peer's gate, from its own name.
template <class... Ts> void check_sent(test::fake_node& n) {
  for (auto& e : n.log) {
    require(!e.to.empty(), "a message to nobody");
    bool known = false;
    auto one = [&](auto* tag) {
      using T = std::remove_pointer_t<decltype(tag)>;
      if (auto m = test::as<T>(e.msg)) {
        known = true;
        auto err = validate(*m, n.lim);
        require(err.empty(),
                std::string{"sent "} + T::wire_name + " would be rejected: " + err);
        require(m->from == n.self(), std::string{"sent "} + T::wire_name +
                                         " names another sender: " + m->from);
      }
    };
    (one(static_cast<Ts*>(nullptr)), ...);
    require(known, "sent a message of a type not its protocol's");
  }
}

/// A list of wire types; a protocol's in the order of their step codes.
template <class... Ts> struct types {};

/// The step code of message type T among Ts.
template <class T, class... Ts> constexpr uint8_t step_of(types<Ts...>) {
  uint8_t i = 0, found = 0;
  ((std::is_same_v<T, Ts> ? (found = i, ++i) : ++i), ...);
  return found;
}

/// The step code of an action for a protocol with messages Ts.
template <class... Ts> constexpr uint8_t step_of(action a, types<Ts...>) {
  return static_cast<uint8_t>(sizeof...(Ts) + static_cast<uint8_t>(a));
}

/// Runs one input against a fresh node running `t.protocol`, whose messages
/// are Ts (in the order of their step codes).
template <class... Ts>
int run(types<Ts...>, const target& t, const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  test::fake_node n{self_name, 7};
  n.addr = self_address;
  n.set_peers(peer_names);
  if (t.setup)
    t.setup(n);
  if ((data[0] & 0x80) != 0)
    n.lim = tight_limits();
  n.add(t.protocol, t.variants[(data[0] & 0x7f) % t.variants.size()]);
  auto checks = t.make_checks ? t.make_checks() : target::checks{};
  reader in{data + 1, size - 1};
  constexpr int messages = sizeof...(Ts);
  constexpr int steps = messages + static_cast<int>(action::count);
  uint8_t op = 0;
  while (in.read(op)) {
    int code = op % steps;
    caf::message delivered;
    if (code < messages) {
      bool ok = true;
      int i = 0;
      auto one = [&](auto* tag) {
        using T = std::remove_pointer_t<decltype(tag)>;
        if (i++ != code)
          return;
        T x;
        if (!in.read(x)) {
          ok = false;
          return;
        }
        auto sender = x.from;
        delivered = caf::make_message(std::move(x));
        n.receive(delivered, sender);
      };
      (one(static_cast<Ts*>(nullptr)), ...);
      if (!ok)
        break;
    } else {
      switch (static_cast<action>(code - messages)) {
      case action::tick:
        n.tick();
        break;
      case action::write: {
        std::string key, value;
        if (!in.read(key) || !in.read(value))
          return 0;
        // As the node's put: a valid entry, and a clock not yet exhausted.
        if (validate(keyed_entry{key, entry{value, 1, n.self()}}, n.lim).empty() &&
            n.data().can_write())
          n.write(key, value);
        break;
      }
      case action::erase: {
        std::string key;
        if (!in.read(key))
          return 0;
        if (!key.empty() && n.data().can_write())
          n.erase(key);
        break;
      }
      case action::advance: {
        uint32_t ms = 0;
        if (!in.read(ms))
          return 0;
        n.now += ms;
        break;
      }
      case action::leave:
        n.leave();
        break;
      case action::api:
        if (t.api)
          t.api(in, n);
        break;
      case action::count:
        break;
      }
    }
    check_store(n);
    check_sent<Ts...>(n);
    if (checks)
      checks(n, delivered.empty() ? nullptr : &delivered);
    // What was checked is dropped: memory stays bounded by one step's output.
    n.log.clear();
    n.outbox.clear();
    n.events.clear();
  }
  return 0;
}

} // namespace gossip::fuzz
