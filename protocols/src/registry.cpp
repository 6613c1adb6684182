#include "gossip/registry.hpp"

#include <stdexcept>

#include "gossip/push.hpp"
#include "gossip/push_pull.hpp"

namespace gossip {

const std::vector<protocol_info>& all_protocols() {
  static const std::vector<protocol_info> table{
    {"push", "send my store to fanout peers each round", make_push, add_push_types},
    {"push-pull", "exchange stores with fanout peers each round", make_push_pull,
     add_push_pull_types},
  };
  return table;
}

std::unique_ptr<protocol> make_protocol(const std::string& name, const params& ps) {
  for (auto& info : all_protocols())
    if (name == info.name)
      return info.make(ps);
  throw std::invalid_argument("unknown protocol '" + name + "' (known: " + protocol_names()
                              + ")");
}

std::string protocol_names() {
  std::string result;
  for (auto& info : all_protocols()) {
    if (!result.empty())
      result += ", ";
    result += info.name;
  }
  return result;
}

void add_protocol_types(caf::actor_system_config& cfg) {
  for (auto& info : all_protocols())
    info.add_types(cfg);
}

} // namespace gossip
