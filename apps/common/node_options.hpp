// Options every protocol understands, for help texts and strict parsing.
#pragma once

#include <vector>

#include "cli.hpp"

namespace gossip::cli {

/// The parameters of all registered protocols (fanout, p, k, swim's ...).
const std::vector<option>& protocol_options();

/// Appends `extra` to `base`.
std::vector<option> operator+(std::vector<option> base, const std::vector<option>& extra);

} // namespace gossip::cli
