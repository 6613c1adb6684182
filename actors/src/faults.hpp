// The node actor's fault layer (gossip/faults.hpp), naming destinations by
// their actor handles.
#pragma once

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include "gossip/faults.hpp"

namespace gossip {

class fault_layer : public faults_of<caf::actor, caf::message> {
public:
  using faults_of::faults_of;
};

} // namespace gossip
