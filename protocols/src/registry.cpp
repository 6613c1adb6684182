#include "gossip/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "gossip/anti_entropy.hpp"
#include "gossip/directed.hpp"
#include "gossip/hyparview.hpp"
#include "gossip/plumtree.hpp"
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
      push_info(),          pull_info(),      push_pull_info(), anti_entropy_info(),
      probabilistic_info(), rumor_info(),     directed_info(),  push_sum_info(),
      swim_info(),          hyparview_info(), plumtree_info(),
  };
  return table;
}

const protocol_info* find_protocol(const std::string& name) {
  for (auto& info : all_protocols())
    if (name == info.name)
      return &info;
  return nullptr;
}

std::unique_ptr<protocol> make_protocol(const std::string& name, const params& ps) {
  if (auto info = find_protocol(name))
    return info->make(ps.scoped(name));
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

const wire_sizer* find_sizer(const std::type_info& type) {
  for (auto& info : all_protocols())
    for (auto& s : info.sizers)
      if (*s.type == type)
        return &s;
  return nullptr;
}

void add_protocol_types(caf::actor_system_config& cfg) {
  for (auto& info : all_protocols())
    info.add_types(cfg);
}

std::string parameter_table() {
  std::string out = "| protocol | parameter | default | meaning |\n|---|---|---|---|\n";
  for (auto& info : all_protocols())
    for (auto& p : info.params)
      out += std::string{"| `"} + info.name + "` | `" + p.name + "` | " +
             (*p.fallback ? p.fallback : "—") + " | " + p.help + " |\n";
  return out;
}

} // namespace gossip
