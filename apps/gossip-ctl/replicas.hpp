// gossip-ctl's write levels and convergence checks: put and del with
// --replicas, wait, agree. Each sends one request and prints its answer;
// the exit codes are gossip-ctl's (0 ok, 1 no such key, 3 failed or out of
// time).
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace gossip::ctl {

/// One call to a node: whom, within how long, printed how.
struct call {
  caf::scoped_actor& self;
  const caf::actor& node;
  std::chrono::milliseconds timeout;
  bool json = false;
};

int put(const call& c, const std::string& key, const std::string& value,
        uint32_t replicas);
int del(const call& c, const std::string& key, uint32_t replicas);
int wait(const call& c, const std::string& key);
int agree(const call& c);

} // namespace gossip::ctl
