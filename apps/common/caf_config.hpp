// CAF's own settings (a config file's [middleman], [scheduler], [openssl] ...
// sections), applied once every module is loaded and each checked: an
// unknown name or a value of the wrong type is an error, not the warning CAF
// prints and then ignores.
#pragma once

#include <caf/actor_system_config.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gossip::cli {

using caf_settings = std::vector<std::pair<std::string, caf::config_value>>;

class checked_config : public caf::actor_system_config {
public:
  /// Throws std::invalid_argument naming the first bad setting.
  void apply(const caf_settings& xs);
};

} // namespace gossip::cli
