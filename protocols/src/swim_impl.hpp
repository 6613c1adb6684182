// The SWIM protocol object (private to protocols/): swim.cpp holds its
// messages' handlers and round steps, swim_probe.cpp the probe under way,
// swim_updates.cpp how an update about a member is applied, status by status.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gossip/awareness.hpp"
#include "gossip/membership.hpp"
#include "gossip/probe.hpp"
#include "gossip/suspicion.hpp"
#include "gossip/swim.hpp"

namespace gossip {

struct swim_config {
  std::vector<std::string> seeds;
  size_t indirect = 3;
  suspicion_config suspicion;
  size_t retransmit_mult = 4;
  size_t piggyback = 16;
  size_t gossip_fanout = 3;
  uint64_t probe_every = 1;
  uint64_t dead_retry = 10;
  uint64_t sync_every = 30;
};

class swim final : public membership_protocol {
public:
  explicit swim(const params& ps);

  const char* name() const override { return "swim"; }
  void attach(membership_port& m) override {
    m_ = &m;
    incarnation_ = std::max<uint64_t>(1, m.first_incarnation());
  }
  void handlers(handler_set& hs) override;
  caf::message_handler api(port& p) override;
  void on_round(port& p) override;
  void on_leave(port& p) override;

private:
  // -- swim.cpp: messages and round steps (swim_probe.cpp: the probe) --------
  void on_ack(port& p, const swim_ack& m);
  void on_ping_req(port& p, const swim_ping_req& m);
  answer on_sync(port& p, const swim_sync& m);
  void bootstrap(port& p);
  void join(port& p);
  void expire_suspicions(port& p);
  void pass_on_verified();
  void advance_probe(port& p);
  bool ping_left(port& p, probe& pr);
  void start_indirect_probe(port& p);
  void probe_failed(port& p);
  void gossip(port& p);
  void retry_dead(port& p);
  void periodic_sync(port& p);
  bool catching_up(port& p) const;
  void send_sync(port& p, const member_update& to);

  // -- swim_updates.cpp: applying updates --------------------------------------
  void apply_all(port& p, const std::vector<member_update>& us, bool first_contact);
  void apply(port& p, const member_update& u, bool first_contact = false);
  bool verdict_becomes_suspicion(port& p, const member_update& u);
  void now_alive(port& p, const member_update& m, const std::optional<member_update>& old,
                 bool known, member_status before);
  void now_suspect(port& p, const member_update& m, const std::string& reporter);
  void now_gone(port& p, const member_update& m, bool known, member_status before);
  void refute_if_needed(port& p, const member_update& u, bool first_contact);
  std::string check_plausible(port& p, const member_update& u) const;
  bool claims_our_name(port& p, const member_update& u, bool first_contact);

  // -- helpers ----------------------------------------------------------------
  member_update self_update(port& p) const;
  size_t cluster_size() const;
  std::vector<std::string> reachable(port& p,
                                     std::initializer_list<member_status> states) const;
  std::vector<member_update> piggyback(port& p);
  std::vector<member_update> full_table(port& p) const;
  std::vector<member_update> shared_table(port& p) const;
  std::vector<member_update> vouched(port& p, std::vector<member_update> us) const;
  void emit_member(port& p, event_kind kind, const member_update& m,
                   std::string why = {});
  void emit_state(port& p, std::string detail);

  swim_config cfg_;
  membership_port* m_ = nullptr;
  member_table table_;
  broadcast_queue queue_;
  uint64_t incarnation_ = 1;
  bool bootstrapped_ = false;
  bool joined_ = false; // heard of a member from one (or nobody to join)
  /// When a join through seeds succeeded (catching_up counts from it).
  std::optional<uint64_t> joined_round_;
  bool fresh_ = true; // no message processed yet
  bool leaving_ = false;
  uint64_t next_join_round_ = 0;
  uint64_t join_backoff_ = 1;
  uint64_t join_attempts_ = 0;
  prober probes_;
  uint64_t next_probe_round_ = 0;
  std::map<std::string, suspicion> suspicions_;
  local_health health_;
  bool outbid_alive_ = false;                    // we outbid someone's "alive" about us
  std::set<std::string> conflicts_;              // addresses that claimed our name
  std::map<std::string, std::string> passed_on_; // verified addresses queued
  // What pass_on_verified last scanned: the port's verification epoch and
  // the table's version.
  uint64_t scanned_epoch_ = UINT64_MAX;
  uint64_t scanned_version_ = UINT64_MAX;
};

} // namespace gossip
