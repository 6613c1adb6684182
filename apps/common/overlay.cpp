#include "overlay.hpp"

#include <stdexcept>

#include "gossip/registry.hpp"

namespace gossip::cli {

std::string overlay_protocol(const std::string& overlay) {
  std::string name = overlay == "full"        ? "swim"
                     : overlay == "hyparview" ? "hyparview"
                                              : "";
  if (name.empty())
    throw std::invalid_argument("invalid value '" + overlay +
                                "' for --overlay: full or hyparview");
  if (!find_protocol(name))
    throw std::invalid_argument("unknown protocol '" + name +
                                "' (known: " + protocol_names() + ")");
  return name;
}

} // namespace gossip::cli
