// The one JSON helper the runtime needs: a quoted, escaped string.
#pragma once

#include <string>

namespace gossip {

std::string json_quote(const std::string& s);

} // namespace gossip
