// What both HyParView test files read off a fake node.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "fake_port.hpp"
#include "gossip/hyparview.hpp"

namespace gossip::test {

inline bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// The node's passive view, through (in_process, hv_passive_atom).
inline std::vector<std::string> passive_of(fake_node& n) {
  auto r = n.request(caf::make_message(in_process, hv_passive_atom::value));
  auto names = r ? as<std::vector<std::string>>(*r) : nullptr;
  return names ? *names : std::vector<std::string>{};
}

} // namespace gossip::test
