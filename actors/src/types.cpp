#include "gossip/types.hpp"

#include <caf/actor_system_config.hpp>

#include "gossip/counters.hpp"
#include "gossip/event.hpp"
#include "gossip/member.hpp"
#include "gossip/node.hpp"
#include "gossip/registry.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<entry>("gossip::entry");
  cfg.add_message_type<keyed_entry>("gossip::keyed_entry");
  cfg.add_message_type<digest_item>("gossip::digest_item");
  cfg.add_message_type<node_id>("gossip::node_id");
  cfg.add_message_type<rumor>("gossip::rumor");
  cfg.add_message_type<peer>("gossip::peer");
  cfg.add_message_type<event>("gossip::event");
  cfg.add_message_type<traffic>("gossip::traffic");
  cfg.add_message_type<counters>("gossip::counters");
  add_protocol_types(cfg);
}

} // namespace gossip
