// The protocol demos of gossip-demo, one function each.
#pragma once

namespace gossip::demo {

/// `gossip-demo ring`: the seed example, done right.
int ring(int argc, char** argv);

} // namespace gossip::demo
