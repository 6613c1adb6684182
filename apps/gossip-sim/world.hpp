// gossip-sim's own runtime: N nodes in one thread, no actors. Each node runs
// the same protocols through the same port contract as a node actor
// (protocol.hpp), and the world delivers their messages the way CAF's
// deterministic test scheduler does under local_cluster: one mailbox per
// node, a queue of nodes with mail, each handling all of its mail in turn.
// So the same seed gives the same run in both runtimes (gossip-sim
// --runtime=actors, the sim tests compare them), at a fraction of the cost:
// no mailbox elements, no scheduler, no behavior stack, a handler found by
// one type comparison.
#pragma once

#include <caf/message.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gossip/message_size.hpp"
#include "gossip/node.hpp"
#include "gossip/params.hpp"

namespace caf {
class actor_system;
class actor_system_config;
} // namespace caf

namespace gossip {
struct event;
}

namespace gossip::sim {

struct world_options {
  size_t nodes = 5;
  /// Names from registry.hpp, comma-separated ("hyparview,plumtree").
  std::string protocol = "push";
  params protocol_params;
  /// Per-node seeds are derived from this one, as local_cluster derives them.
  uint64_t seed = 1;
  /// The papers' synchronous rounds (node_config::synchronous).
  bool synchronous = true;
  std::string sampler = "uniform";
  double zone_local = 0.8;
  double loss = 0;
  uint64_t delay_rounds = 0;
  /// Labels of node i (zone, topics, value ...), visible to every node.
  std::function<std::map<std::string, std::string>(size_t)> labels_of;
};

class world_node;

class world {
public:
  /// Throws std::invalid_argument for bad options.
  explicit world(world_options opts);
  ~world();

  world(const world&) = delete;
  world& operator=(const world&) = delete;

  size_t size() const;
  /// Node i is named std::to_string(i).
  std::string name(size_t i) const;

  /// One round on every node, then everything it caused is delivered
  /// (synchronous: then every node ends the round, merging what it held).
  void run_round();
  /// Delivers all pending messages.
  void settle();
  /// A local write at node i, then everything it caused.
  void put(size_t i, const std::string& key, const std::string& value);
  /// A request to node i's protocols (their api: broadcast, join ...),
  /// queued like any message; settle() delivers it.
  void tell(size_t i, const caf::message& request);
  /// Crashes nodes at once: none hears of another's crash before it goes
  /// down itself. Their peers' links to them are lost (partial views).
  void crash(const std::vector<size_t>& nodes);
  void crash(size_t i) { crash(std::vector<size_t>{i}); }
  /// Node i's insides; empty once it crashed.
  node_internals peek(size_t i) const;
  /// Events of these nodes go to f (delivered, stored ...).
  void observe(const std::vector<size_t>& nodes, std::function<void(const event&)> f);

  // -- for the nodes (world_node.cpp) ----------------------------------------
  /// The index of a node's name, or size() for none.
  size_t find(const std::string& name) const;
  const std::map<std::string, std::string>* labels(size_t i) const;
  const world_options& options() const { return opts_; }
  const gossip::limits& limits() const { return limits_; }
  /// Only for what serialization needs (the wire's type names): no actor
  /// runs in it.
  caf::actor_system& system() { return *sys_; }
  /// Node `watcher` is told when node `watched` stops (a monitor; the
  /// latest is told first, as CAF tells monitors).
  void watch(size_t watcher, size_t watched);
  void unwatch(size_t watcher, size_t watched);
  /// True once node i crashed.
  bool stopped(size_t i) const;
  /// Queues `msg` from node `from` (size(): from outside) to node `to`.
  void post(size_t from, size_t to, const caf::message& msg, uint64_t bytes);
  /// Queues "the link to `peer` is lost" in node `to`'s own mailbox.
  void post_link_lost(size_t to, const std::string& peer);
  void emit(const event& ev) const;
  /// The serialized size of a message, as the node actor counts it.
  uint64_t size_of(const caf::message& msg);

private:
  void deliver(size_t i);
  /// f on every node in order.
  template <class F> void in_turn(F f);
  /// Node i's memory, asked of the cache ahead of its turn, in stages: the
  /// node and its mailbox, then what they point to, then what that points to.
  void prefetch(size_t i, int stage) const;
  static constexpr int prefetch_stages = 3;
  static constexpr size_t ahead[prefetch_stages] = {12, 6, 3};

  world_options opts_;
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  directory_ptr dir_; // every node's name and labels
  gossip::limits limits_;
  std::vector<std::unique_ptr<world_node>> nodes_;
  std::vector<std::vector<size_t>> watchers_; // by watched node
  std::function<void(const event&)> observer_;
  caf::message sized_; // the last message sized (size_of)
  uint64_t sized_bytes_ = 0;
  std::unique_ptr<message_size> size_;
  struct queues; // the mailboxes and the queue of nodes with mail (world.cpp)
  std::unique_ptr<queues> q_;
};

} // namespace gossip::sim
