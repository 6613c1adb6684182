#include "caf_config.hpp"

#include <stdexcept>

namespace gossip::cli {

void checked_config::apply(const caf_settings& xs) {
  for (auto& [name, value] : xs) {
    auto opt = custom_options_.qualified_name_lookup(name);
    if (!opt)
      throw std::invalid_argument("config file: unknown option '" + name + "'");
    if (auto err = opt->check(value))
      throw std::invalid_argument("config file: invalid value '" + caf::to_string(value) +
                                  "' for '" + name + "'");
    set(name, value);
  }
}

} // namespace gossip::cli
