// Runs CAF's deterministic scheduler until no actor has a message left, in
// exactly the order its own run() would (an actor resumed keeps the front of
// the queue until its mailbox is empty), but resuming each actor once for all
// the messages it has instead of once per message.
#pragma once

#include <caf/fwd.hpp>

namespace gossip {

void drain(caf::scheduler::test_coordinator& sched);

} // namespace gossip
