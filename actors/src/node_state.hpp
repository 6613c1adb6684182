// A node actor's state (private to actors/): one member per concern, each in
// its own file.
#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounting.hpp"
#include "faults.hpp"
#include "gossip/metrics.hpp"
#include "gossip/node.hpp"
#include "gossip/peer_view.hpp"
#include "gossip/sampler.hpp"
#include "persistence.hpp"
#include "routing.hpp"

namespace gossip {

class node_port;
class replicator;

struct node_state {
  node_config cfg;
  std::vector<std::unique_ptr<protocol>> protocols;
  std::unique_ptr<peer_sampler> sampler;
  rng_type rng;
  store data;
  uint64_t round = 0;
  std::optional<peer_view> view;
  /// A membership protocol keeps a partial view (membership_protocol::
  /// partial_view): the view does not start from a shared directory.
  bool partial_view = false;
  /// Labels of remote peers, from their membership updates.
  std::unordered_map<std::string, std::map<std::string, std::string>> labels;
  std::optional<accounting> acct;
  std::optional<fault_layer> faults;
  std::optional<routing> routes;
  std::unique_ptr<node_port> port;
  std::unique_ptr<replicator> replicas;
  std::vector<caf::actor> subscribers;
  /// Synchronous rounds: entries received this round, merged when it ends.
  std::vector<std::pair<std::string, keyed_entry>> held;
  /// How long the updates that reached this node took (metrics.hpp).
  delay_histogram delay;
  /// With a data directory only.
  std::optional<persistence> disk;
  static const char* name;

  ~node_state();
};

using node_actor = caf::stateful_actor<node_state>;

} // namespace gossip
