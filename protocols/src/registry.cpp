#include "gossip/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "gossip/anti_entropy.hpp"
#include "gossip/directed.hpp"
#include "gossip/probabilistic.hpp"
#include "gossip/pull.hpp"
#include "gossip/push.hpp"
#include "gossip/push_pull.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/rumor_mongering.hpp"
#include "gossip/swim.hpp"

namespace gossip {

const std::vector<protocol_info>& all_protocols() {
  static const std::vector<protocol_info> table{
      {"push", "send my store to fanout peers each round", make_push, add_push_types},
      {"push-pull", "exchange stores with fanout peers each round", make_push_pull,
       add_push_pull_types},
      {"pull", "ask fanout peers for what I lack each round", make_pull, add_pull_types},
      {"anti-entropy", "digest SYN/ACK/ACK2 reconciling the whole store, bounded deltas",
       make_anti_entropy, add_anti_entropy_types},
      {"probabilistic", "forward each new rumor to fanout peers with probability p",
       make_probabilistic, add_probabilistic_types},
      {"rumor", "rumor mongering: spread hot updates until losing interest",
       make_rumor_mongering, add_rumor_mongering_types},
      {"directed", "rumors by topic to interested peers, plus a random share",
       make_directed, add_directed_types},
      {"push-sum", "aggregates: average, sum or count by halving (s, w)", make_push_sum,
       add_push_sum_types},
      {"swim", "SWIM membership and failure detection (Lifeguard)", make_swim,
       add_swim_types},
  };
  return table;
}

std::unique_ptr<protocol> make_protocol(const std::string& name, const params& ps) {
  for (auto& info : all_protocols())
    if (name == info.name)
      return info.make(ps.scoped(name));
  throw std::invalid_argument("unknown protocol '" + name +
                              "' (known: " + protocol_names() + ")");
}

std::vector<std::unique_ptr<protocol>> make_protocols(const std::string& names,
                                                      const params& ps) {
  std::vector<std::unique_ptr<protocol>> result;
  size_t start = 0;
  while (start <= names.size()) {
    auto end = std::min(names.find(',', start), names.size());
    auto name = names.substr(start, end - start);
    if (name.empty())
      throw std::invalid_argument("empty protocol name in '" + names + "'");
    for (auto& p : result)
      if (name == p->name())
        throw std::invalid_argument("protocol '" + name + "' given twice");
    result.push_back(make_protocol(name, ps));
    start = end + 1;
  }
  return result;
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
