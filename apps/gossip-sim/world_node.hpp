// One node of gossip-sim's world (world.hpp): its protocols, store and view,
// and its side of the protocol contract (port, membership_port, gate). What
// the node actor does with a message (node_port.cpp, routing.cpp,
// accounting.cpp), this does for the world's in-process case only: no
// remote routes, no data directory, no subscribers but the world's observer.
#pragma once

#include <caf/message.hpp>

#include <memory>
#include <string>
#include <vector>

#include "gossip/counters.hpp"
#include "gossip/faults.hpp"
#include "gossip/peer_view.hpp"
#include "gossip/protocol.hpp"
#include "gossip/sampler.hpp"
#include "world.hpp"

namespace gossip::sim {

class world_node final : public port, public membership_port, public gate {
public:
  world_node(world& w, size_t index, std::vector<std::unique_ptr<protocol>> protocols,
             directory_ptr everyone);

  // -- what the world asks of it ---------------------------------------------
  void run_round();
  void end_round();
  void put(const std::string& key, const std::string& value);
  /// A message from node `from` (world::size(): from outside).
  void handle(size_t from, const caf::message& msg, uint64_t bytes);
  void link_lost(const std::string& peer);
  /// Node j, whose link this node watches, stopped (a monitor's down message).
  void lost_watched(size_t j);
  void crash() { crashed_ = true; }
  bool crashed() const { return crashed_; }
  void observe() { observed_ = true; }
  node_internals internals() const;
  /// Asks the cache for what a turn of this node touches first: level 0 its
  /// own lines, level 1 the arrays they point to, level 2 the protocols in
  /// those (world::prefetch: each level reads only what the one before
  /// fetched).
  void prefetch(int level) const;

  // -- port ------------------------------------------------------------------
  const std::string& self() const override { return name_; }
  uint64_t round() const override { return round_; }
  int64_t now_ms() const override { return 0; } // virtual time stands still
  rng_type& rng() override { return rng_; }
  const gossip::limits& limits() const override { return w_.limits(); }
  const std::vector<std::string>& peers() const override { return view_.names(); }
  std::vector<std::string> sample(size_t k) override;
  std::string label(const std::string& name, const std::string& key) const override;
  void send(const std::string& peer, const caf::message& msg, carries what) override;
  store& data() override { return data_; }
  bool observed() const override { return observed_; }
  void emit(event ev) override;
  void count(tally what, const std::string& why) override;
  bool sender_is(const std::string& name) const override;
  bool holds_merges() const override { return w_.options().synchronous; }
  void hold(const std::string& from, const keyed_entry& x) override {
    held_.emplace_back(from, x);
  }

  // -- membership_port -------------------------------------------------------
  const std::string& address() const override { return no_address_; }
  const std::map<std::string, std::string>& labels() const override;
  void peer_up(const std::string& name, const std::string& address, bool reconnect,
               const std::map<std::string, std::string>& labels) override;
  void peer_down(const std::string& name) override;
  void send_to_address(const std::string&, const caf::message&) override {
    ++stats_.unroutable; // in-process nodes have no addresses
  }
  bool verified(const std::string&, const std::string&) const override { return false; }
  uint64_t verification_epoch() const override { return 0; } // nothing is ever verified

  // -- gate ------------------------------------------------------------------
  gossip::port& port() override { return *this; }
  bool admit(const std::string& problem) override;
  void bind(const std::string&) override {} // every name is routed already
  void answer(reply r) override;

private:
  /// Each protocol's handlers, then (for requests from outside) its api.
  bool dispatch(const caf::message& msg, bool outside);
  /// Sends to node j: counted, then passed, lost or delayed by the faults.
  void transmit(size_t j, const caf::message& msg);

  // What handling a message touches comes first, up to and including
  // faults_: prefetch(0) fetches that much of a node ahead of its turn.
  world& w_;
  size_t index_;
  std::string name_;
  static const std::string no_address_;
  /// The message being handled: its sender and size.
  size_t sender_ = 0;
  const caf::message* current_ = nullptr;
  uint64_t current_bytes_ = 0;
  uint64_t round_ = 0;
  bool partial_view_ = false;
  bool observed_ = false;
  bool crashed_ = false;
  std::vector<std::unique_ptr<protocol>> protocols_;
  std::vector<handler_set> handlers_;
  store data_;
  counters stats_;
  std::vector<std::pair<std::string, keyed_entry>> held_;
  std::unique_ptr<faults_of<size_t, caf::message>> faults_; // none: no faults
  // -- the rest: the node's own round, and membership changes ----------------
  rng_type rng_;
  std::unique_ptr<peer_sampler> sampler_;
  bool uniform_ = false;      // sampler_ is the uniform sampler
  std::vector<size_t> picks_; // sample()'s positions (pick_uniform)
  std::vector<size_t> scratch_;
  peer_view view_;
  /// Peers whose loss this node is told of (an overlay's links).
  std::vector<size_t> watching_;
};

} // namespace gossip::sim
