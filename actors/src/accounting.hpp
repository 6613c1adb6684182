// What a node counts: messages and bytes in and out per message type, and
// rejections, each kind of rejection logged once.
#pragma once

#include <caf/fwd.hpp>

#include <set>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "gossip/counters.hpp"
#include "gossip/message_size.hpp"

namespace gossip {

class accounting {
public:
  accounting(caf::actor_system& sys, std::string node)
      : sys_(sys), size_(sys), node_(std::move(node)) {}

  counters stats;

  void sent(const caf::message& msg);
  void received(const caf::type_erased_tuple& content);
  /// The message just received was dropped for `problem`.
  void rejected(const caf::type_erased_tuple& content, const std::string& problem);
  /// One bad item of the message just received was dropped.
  void rejected_item(const caf::type_erased_tuple& content, const std::string& problem);
  /// Nobody understood it.
  void unknown(const caf::type_erased_tuple& content);
  /// Writes `text` to stderr the first time `kind` happens.
  void log_once(const std::string& kind, const std::string& text);

  const std::string& type_name(const caf::type_erased_tuple& x) const;

private:
  traffic& of(const caf::type_erased_tuple& x);

  caf::actor_system& sys_;
  message_size size_;
  std::string node_;
  std::set<std::string> logged_;
  // stats.by_type entries by message type: no name lookups per message.
  std::vector<std::pair<const std::type_info*, traffic*>> traffic_of_;
};

} // namespace gossip
