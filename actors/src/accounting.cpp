#include "accounting.hpp"

#include <caf/actor_system.hpp>
#include <caf/message.hpp>
#include <caf/type_erased_tuple.hpp>

#include <cstdint>
#include <iostream>
#include <vector>

namespace gossip {

namespace {

// Byte counting sizes a message once more. A message sent in-process is
// counted by its receiver too; the sender's result is remembered here (holding
// the message keeps its data alive, so the address is not reused), and a
// message sent to many peers is measured once. Direct-mapped by the address
// of the message's contents (what a receiver's mailbox element hands it): no
// allocation per message; a collision only costs a second measurement.
class size_cache {
public:
  size_t sent(message_size& size, const caf::message& msg) {
    auto key = static_cast<const caf::type_erased_tuple*>(msg.cvals().get());
    auto& slot = slots_[index(key)];
    if (key != nullptr && slot.key == key)
      return slot.bytes;
    slot.bytes = size.of(msg);
    slot.key = key;
    slot.keep = msg;
    return slot.bytes;
  }

  size_t received(message_size& size, const caf::type_erased_tuple& content) {
    auto& slot = slots_[index(&content)];
    if (slot.key == &content)
      return slot.bytes;
    return size.of(content);
  }

private:
  static constexpr size_t size = 4096; // a power of two
  static size_t index(const void* p) {
    return (reinterpret_cast<uintptr_t>(p) >> 4) & (size - 1);
  }
  struct slot {
    const caf::type_erased_tuple* key = nullptr;
    size_t bytes = 0;
    caf::message keep; // keeps `key` from being reused while it is here
  };
  std::vector<slot> slots_ = std::vector<slot>(size);
};

thread_local size_cache sizes;

} // namespace

const std::string& accounting::type_name(const caf::type_erased_tuple& x) const {
  static const std::string empty = "(empty)";
  return x.size() == 0 ? empty : sys_.types().portable_name(x.type(0));
}

traffic& accounting::of(const caf::type_erased_tuple& x) {
  auto rtti = x.size() == 0 ? nullptr : x.type(0).second;
  for (auto& [ti, t] : traffic_of_)
    if (ti == rtti)
      return *t;
  auto t = &stats.by_type[type_name(x)];
  traffic_of_.emplace_back(rtti, t);
  return *t;
}

void accounting::sent(const caf::message& msg) {
  auto bytes = sizes.sent(size_, msg);
  for (auto* t : {&of(msg), &stats.total}) {
    ++t->sent_msgs;
    t->sent_bytes += bytes;
  }
}

void accounting::received(const caf::type_erased_tuple& content) {
  auto bytes = sizes.received(size_, content);
  for (auto* t : {&of(content), &stats.total}) {
    ++t->recv_msgs;
    t->recv_bytes += bytes;
  }
}

void accounting::rejected(const caf::type_erased_tuple& content,
                          const std::string& problem) {
  ++of(content).rejected;
  ++stats.total.rejected;
  auto& name = type_name(content);
  log_once(name + problem, "rejected " + name + ": " + problem);
}

void accounting::rejected_item(const caf::type_erased_tuple& content,
                               const std::string& problem) {
  ++of(content).rejected_items;
  ++stats.total.rejected_items;
  auto& name = type_name(content);
  log_once(name + "item" + problem, "dropped an item of " + name + ": " + problem);
}

void accounting::unknown(const caf::type_erased_tuple& content) {
  ++stats.unknown;
  auto& name = type_name(content);
  log_once("unknown:" + name, "dropped a message it does not understand: " + name);
}

void accounting::log_once(const std::string& kind, const std::string& text) {
  if (logged_.insert(kind).second)
    std::cerr << "gossip node " << node_ << ": " << text
              << " (further ones counted, not logged)\n";
}

} // namespace gossip
