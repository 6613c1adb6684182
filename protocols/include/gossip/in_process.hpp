// The tag of commands only a node's own process may send (atoms.hpp lists the
// node's; a protocol's api may take them too, as hyparview.hpp's do). Its type
// is never registered with CAF, so it cannot be deserialized: a remote peer's
// message carrying it arrives empty and is counted as unknown.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

namespace gossip {

struct in_process_t {};
constexpr in_process_t in_process{};

} // namespace gossip

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(gossip::in_process_t)
