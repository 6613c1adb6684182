#include "node_options.hpp"

#include <map>

#include "gossip/registry.hpp"

namespace gossip::cli {

// One option per parameter name, its help made from every protocol's spec of
// it ("push: peers sent the store each round (1); pull: ...").
const std::vector<option>& protocol_options() {
  static const std::vector<option> xs = [] {
    std::vector<option> result;
    std::map<std::string, size_t> index;
    for (auto& info : all_protocols())
      for (auto& p : info.params) {
        auto text = std::string{info.name} + ": " + p.help +
                    (*p.fallback ? std::string{" ("} + p.fallback + ")" : "");
        auto [i, added] = index.emplace(p.name, result.size());
        if (added)
          result.push_back(option{p.name, p.hint, text});
        else
          result[i->second].help += "; " + text;
      }
    return result;
  }();
  return xs;
}

std::vector<option> operator+(std::vector<option> base,
                              const std::vector<option>& extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

} // namespace gossip::cli
