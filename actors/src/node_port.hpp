// The node's side of the protocol contract: the port every protocol sees, the
// membership port SWIM sees, and the gate every typed handler passes through
// (validated, counted and its sender bound before the handler runs).
#pragma once

#include "gossip/protocol.hpp"
#include "node_state.hpp"

namespace gossip {

class node_port final : public port, public membership_port, public gate {
public:
  explicit node_port(node_actor* self) : self_(self), st_(self->state) {}

  // -- port ------------------------------------------------------------------
  const std::string& self() const override { return st_.cfg.name; }
  uint64_t round() const override { return st_.round; }
  int64_t now_ms() const override;
  rng_type& rng() override { return st_.rng; }
  const gossip::limits& limits() const override { return st_.cfg.limits; }
  const std::vector<std::string>& peers() const override { return st_.view->names(); }
  std::vector<std::string> sample(size_t k) override;
  std::string label(const std::string& name, const std::string& key) const override;
  void send(const std::string& peer, const caf::message& msg, carries what) override;
  store& data() override { return st_.data; }
  bool observed() const override { return !st_.subscribers.empty(); }
  void emit(event ev) override;
  void count(tally what, const std::string& why) override;
  bool sender_is(const std::string& name) const override;
  bool holds_merges() const override { return st_.cfg.synchronous; }
  void hold(const std::string& from, const keyed_entry& x) override {
    st_.held.emplace_back(from, x);
  }
  void arrived(const entry& e) override { st_.delay.observe(e.written_ms, wall_ms()); }

  // -- membership_port -------------------------------------------------------
  const std::string& address() const override { return st_.cfg.address; }
  const std::map<std::string, std::string>& labels() const override {
    return st_.cfg.labels;
  }
  void peer_up(const std::string& name, const std::string& address, bool reconnect,
               const std::map<std::string, std::string>& labels) override;
  void peer_down(const std::string& name) override;
  void send_to_address(const std::string& address, const caf::message& msg) override;
  bool verified(const std::string& name, const std::string& address) const override;
  uint64_t verification_epoch() const override;
  bool connecting(const std::string& name) const override;
  uint64_t first_incarnation() const override;
  void incarnation_changed(uint64_t incarnation) override;

  // -- gate ------------------------------------------------------------------
  gossip::port& port() override { return *this; }
  bool admit(const std::string& problem) override;
  void bind(const std::string& name) override;
  void answer(reply r) override;

  /// A data dir commits what changed after the current message (and the rest
  /// of its burst).
  void schedule_flush();

private:
  node_actor* self_;
  node_state& st_;
};

} // namespace gossip
