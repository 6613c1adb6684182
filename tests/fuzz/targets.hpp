// The message types of each fuzz target, in the order of their step codes
// (fuzz.hpp), shared by the targets and the seed corpus generator.
#pragma once

#include "fuzz.hpp"
#include "gossip/anti_entropy.hpp"
#include "gossip/counters.hpp"
#include "gossip/directed.hpp"
#include "gossip/event.hpp"
#include "gossip/hyparview.hpp"
#include "gossip/membership.hpp"
#include "gossip/plumtree.hpp"
#include "gossip/probabilistic.hpp"
#include "gossip/pull.hpp"
#include "gossip/push.hpp"
#include "gossip/push_pull.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/registry.hpp"
#include "gossip/replicas.hpp"
#include "gossip/rumor.hpp"
#include "gossip/rumor_mongering.hpp"
#include "gossip/store.hpp"
#include "gossip/swim.hpp"

namespace gossip::fuzz {

using push_types = types<push_msg>;
using pull_types = types<pull_request, pull_response>;
using push_pull_types = types<push_pull_request, push_pull_response, push_pull_update>;
using anti_entropy_types = types<ae_syn, ae_ack, ae_ack2>;
using probabilistic_types = types<rumor_msg>;
using rumor_types = types<rm_push, rm_feedback, rm_pull>;
using directed_types = types<directed_msg>;
using push_sum_types = types<push_sum_share>;
using swim_types =
    types<swim_ping, swim_ack, swim_ping_req, swim_indirect_ack, swim_gossip, swim_sync>;
using hyparview_types = types<hv_join, hv_forward_join, hv_neighbor, hv_neighbor_reply,
                              hv_disconnect, hv_heartbeat, hv_shuffle, hv_shuffle_reply>;
using plumtree_types = types<plumtree_gossip, plumtree_ihave, plumtree_graft,
                             plumtree_prune, plumtree_update>;

/// Every type registered with CAF (register_types: each protocol's messages
/// and the vocabulary), for the deserialization target: its first byte picks
/// one, modulo their number (new types go last: the seed corpus's first
/// bytes keep picking the same types). Not gossip::peer: its actor handle needs an
/// actor system (its proxy registry) to be read at all.
using wire_types =
    types<push_msg, pull_request, pull_response, push_pull_request, push_pull_response,
          push_pull_update, origin_version, ae_syn, ae_ack, ae_ack2, rumor_msg,
          directed_msg, rm_push, rm_feedback, rm_pull, push_sum_share, member_update,
          swim_ping, swim_ack, swim_ping_req, swim_indirect_ack, swim_gossip, swim_sync,
          entry, keyed_entry, digest_item, rumor, traffic, counters, event, write_level,
          replica_write, held_query, held, view_query, view_digest, hold_report,
          view_report, hv_peer, hv_join, hv_forward_join, hv_neighbor, hv_neighbor_reply,
          hv_disconnect, hv_heartbeat, hv_shuffle, hv_shuffle_reply, plumtree_id,
          plumtree_gossip, plumtree_ihave, plumtree_graft, plumtree_prune,
          plumtree_update>;

/// A numeric parameter of the variant an input runs (picked by its first
/// byte, as run() does), with the protocol's own default: for checks that
/// depend on a parameter.
inline uint64_t variant_uint(const target& t, const uint8_t* data, size_t size,
                             const std::string& name) {
  auto& ps = t.variants[size == 0 ? 0 : (data[0] & 0x7f) % t.variants.size()];
  auto info = find_protocol(t.protocol);
  require(info != nullptr, std::string{"unknown protocol "} + t.protocol);
  for (auto& spec : info->params)
    if (name == spec.name)
      return ps.scoped(t.protocol).get_uint(spec);
  fail(std::string{t.protocol} + " has no parameter " + name);
}

} // namespace gossip::fuzz
