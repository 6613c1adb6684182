// Named sets of defaults, as memberlist has DefaultLANConfig, DefaultWANConfig
// and DefaultLocalConfig. A preset lies below what the user gives: any
// option given explicitly wins. Values are protocol parameters (scoped ones
// too) and the node's "interval".
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gossip/params.hpp"

namespace gossip {

struct preset {
  const char* name;
  const char* summary;
  std::vector<std::pair<const char*, const char*>> values;
};

const std::vector<preset>& all_presets();

/// The presets as a Markdown table (the README's).
std::string preset_table();

/// Lays preset `name` under `ps`; throws std::invalid_argument for an
/// unknown name.
void apply_preset(const std::string& name, params& ps);

} // namespace gossip
