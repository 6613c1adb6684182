// Runs CAF's deterministic scheduler until no actor has a message left, in
// exactly the order its own run() would (an actor resumed keeps the front of
// the queue until its mailbox is empty), but resuming each actor once for all
// the messages it has instead of once per message.
#pragma once

#include <caf/execution_unit.hpp>
#include <caf/fwd.hpp>

namespace gossip {

/// Where an actor that wakes another one puts it: at the back of the
/// scheduler's queue, as the test coordinator's own execution unit does. It
/// lives as long as the cluster, so a node driven directly (node.hpp,
/// run_round_now) can send through it between two drains.
class queue_unit : public caf::execution_unit {
public:
  explicit queue_unit(caf::scheduler::test_coordinator& s);
  void exec_later(caf::resumable* job) override;

private:
  caf::scheduler::test_coordinator& sched_;
};

void drain(caf::scheduler::test_coordinator& sched, queue_unit& unit);

} // namespace gossip
