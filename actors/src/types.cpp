#include "gossip/types.hpp"

#include <caf/actor_system_config.hpp>

#include "gossip/counters.hpp"
#include "gossip/event.hpp"
#include "gossip/node.hpp"
#include "gossip/registry.hpp"
#include "gossip/replicas.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

namespace gossip {

void register_types(caf::actor_system_config& cfg) {
  add_wire_types<entry, keyed_entry, digest_item, rumor, traffic, counters>(cfg);
  add_wire_types<write_level, replica_write, held_query, held, view_query, view_digest,
                 hold_report, view_report>(cfg);
  cfg.add_message_type<peer>("gossip::peer");
  cfg.add_message_type<event>("gossip::event");
  add_protocol_types(cfg);
}

} // namespace gossip
