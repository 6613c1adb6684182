// abuse-measure's protocol-level part: each attack of the protocol abuse
// suite (protocol_abuse_test.cpp) against a fresh 3-node cluster of the
// gossip-node in `bin_dir`, one Markdown row of what came of it.
#pragma once

#include <string>

namespace gossip::measure {

void protocol_attacks(const std::string& bin_dir);

} // namespace gossip::measure
