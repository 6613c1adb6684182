// The node's public message interface (what an application actor, gossip-ctl
// or a cluster sends to a node). CAF's own atoms are reused where they fit:
//   (caf::put_atom, key, value)       -> uint64_t version      write
//   (caf::get_atom, key)              -> (bool found, value)   read
//   (caf::delete_atom, key)           -> bool erased           delete (tombstone)
//   (caf::subscribe_atom, actor)      events go to actor from now on
//   (caf::unsubscribe_atom, actor)    stop them
//   (peers_atom)                      -> vector<string> current view
//   (stats_atom)                      -> counters
//   (snapshot_atom)                   -> vector<keyed_entry> whole store
//   (members_atom)                    -> vector<member_update> (membership.hpp)
//   (broadcast_atom, text)            -> uint64_t id (rumor.hpp; needs a rumor protocol)
//   (faults_atom, loss, delay_rounds) -> bool: this node's sends lost with probability
//                                        `loss`, held `delay_rounds` rounds (an error
//                                        unless node_config::faults.controllable)
// Write levels and convergence (replicas.hpp):
//   (caf::put_atom, key, value, write_level) -> hold_report  write, answered once the
//                                     level's members hold it (or its time is up)
//   (caf::delete_atom, key, write_level) -> hold_report  likewise; version 0: no such key
//   (wait_atom, key, uint64_t timeout_ms) -> hold_report  once every live member holds
//                                     the key's current version here (version 0: no key)
//   (agree_atom, uint64_t timeout_ms) -> view_report  once every live member counts
//                                     the same live members as this node
//
// Controls for the node's own process only, tagged `in_process`:
//   (in_process, caf::join_atom, peer)         add or update a peer
//   (in_process, caf::leave_atom, name)        forget a peer
//   (in_process, peers_atom, vector<peer>)     replace the whole view
//   (in_process, round_atom)   -> uint64_t     run one round now
//   (in_process, round_end_atom)               end the round: merge what it held
//                                              (node_config::synchronous)
//   (in_process, address_atom, "host:port")    set the address this node is reachable at
//   (in_process, caf::leave_atom)              leave the cluster gracefully
//   (in_process, link_lost_atom, name)         the link to `name` is gone (a
//                                              node tells itself: link_lost)
// and a protocol's own (in_process.hpp), such as HyParView's join and passive
// view (hyparview.hpp).
// The tag's type is never registered with CAF, so it cannot be deserialized:
// no peer can make a node leave, move its address, rewire its routes or run
// extra rounds (a remote tick would have started a second timer for good).
// From outside, such a message arrives empty and is counted as unknown.
#pragma once

#include <caf/atom.hpp>

#include "gossip/in_process.hpp"

namespace gossip {

using peers_atom = caf::atom_constant<caf::atom("g_peers")>;
using stats_atom = caf::atom_constant<caf::atom("g_stats")>;
using snapshot_atom = caf::atom_constant<caf::atom("g_snap")>;
using round_atom = caf::atom_constant<caf::atom("g_round")>;
using round_end_atom = caf::atom_constant<caf::atom("g_rend")>;
using address_atom = caf::atom_constant<caf::atom("g_addr")>;
using faults_atom = caf::atom_constant<caf::atom("g_faults")>;
using wait_atom = caf::atom_constant<caf::atom("g_wait")>;
using agree_atom = caf::atom_constant<caf::atom("g_agree")>;
using link_lost_atom = caf::atom_constant<caf::atom("g_lost")>;

} // namespace gossip
