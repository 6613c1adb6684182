#include "drain.hpp"

#include <caf/execution_unit.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <limits>

namespace gossip {

queue_unit::queue_unit(caf::scheduler::test_coordinator& s)
    : caf::execution_unit(&s.system()), sched_(s) {}

void queue_unit::exec_later(caf::resumable* job) {
  sched_.jobs.push_back(job);
}

void drain(caf::scheduler::test_coordinator& sched, queue_unit& unit) {
  auto all = std::numeric_limits<size_t>::max();
  while (!sched.jobs.empty()) {
    auto job = sched.jobs.front();
    sched.jobs.pop_front();
    switch (job->resume(&unit, all)) {
    case caf::resumable::resume_later:
      sched.jobs.push_front(job);
      break;
    case caf::resumable::done:
    case caf::resumable::awaiting_message:
      intrusive_ptr_release(job);
      break;
    case caf::resumable::shutdown_execution_unit:
      break;
    }
  }
}

} // namespace gossip
