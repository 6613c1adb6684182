// The HyParView protocol object (private to protocols/): hyparview.cpp holds
// its parameters and messages' handlers, hyparview_round.cpp the steps of a
// round (joining, keepalives, failure detection, repair, shuffles, mixing).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gossip/hyparview.hpp"
#include "gossip/membership.hpp"
#include "gossip/partial_view.hpp"

namespace gossip {

struct hyparview_config {
  size_t active = 5;
  size_t passive = 30;
  uint32_t arwl = 6;
  uint32_t prwl = 3;
  uint64_t shuffle_every = 10;
  size_t shuffle_active = 3;
  size_t shuffle_passive = 4;
  uint32_t shuffle_ttl = 6;
  uint64_t heartbeat = 1;
  uint64_t timeout = 5;
  std::vector<std::string> seeds;
  uint64_t mix_every = 200;
};

class hyparview final : public membership_protocol {
public:
  explicit hyparview(const params& ps);

  const char* name() const override { return "hyparview"; }
  void attach(membership_port& m) override { m_ = &m; }
  bool partial_view() const override { return true; }
  void handlers(handler_set& hs) override;
  caf::message_handler api(port& p) override;
  void on_round(port& p) override;
  void on_leave(port& p) override;
  void link_lost(port& p, const std::string& peer) override;

private:
  // -- hyparview.cpp: messages -------------------------------------------------
  answer on_join(port& p, const hv_join& m);
  void on_forward_join(port& p, const hv_forward_join& m);
  answer on_neighbor(port& p, const hv_neighbor& m);
  void on_neighbor_reply(port& p, const hv_neighbor_reply& m);
  void on_disconnect(port& p, const hv_disconnect& m);
  answer on_heartbeat(port& p, const hv_heartbeat& m);
  void on_shuffle(port& p, const hv_shuffle& m);
  void on_shuffle_reply(port& p, const hv_shuffle_reply& m);
  std::vector<member_update> members(port& p) const;

  // -- hyparview_round.cpp: a round's steps --------------------------------------
  void join(port& p);
  void start_walks(port& p);
  void detect_silence(port& p);
  void expire_requests(port& p);
  void keep_alive(port& p);
  void repair(port& p);
  void shuffle(port& p);
  void mix(port& p);
  void ask(port& p, const hv_peer& to, bool high);
  /// A high-priority request is out (one at a time: each makes room).
  bool high_out() const;
  /// A candidate that never answered: kept as lost if we know its address
  /// is right, forgotten if nobody ever showed it was.
  void give_up(const std::string& name);
  /// Who repair and mixing must not ask now: those asked already, and while
  /// a request to an unchecked address is out, every unchecked candidate.
  std::vector<std::string> not_to_ask() const;

  // -- hyparview_round.cpp: view changes and sending -----------------------------
  /// Makes `x` an active peer (peer_up, member_up), dropping a random
  /// settled one with a DISCONNECT if the view is full; a guest (guests_)
  /// drops nobody.
  void bring_up(port& p, const hv_peer& x, const std::string& why);
  /// A joiner in, as a guest when the view is full.
  void take_in(port& p, const hv_peer& x);
  /// Guests whose walks had time to land leave a view that is over its size.
  void see_guests_out(port& p);
  /// The active peers that are guests (walks go around them).
  std::vector<std::string> guest_names() const;
  /// Active peers that are not guests: what the view's size bounds.
  size_t settled() const;
  bool full() const;
  /// Drops an active peer (peer_down, member_down); a failed one is
  /// remembered as lost, a disconnected one stays a passive candidate.
  void drop(port& p, const std::string& name, bool failed, const std::string& why);
  /// `name` is a neighbour, or was one this round or the last: a walk or
  /// shuffle it sent before it heard it was dropped is still its word.
  bool linked(port& p, const std::string& name) const;
  /// Something arrived from `name`: its link is alive.
  void heard(port& p, const std::string& name);
  /// Through the link when `to` is active or in-process, else to its address.
  void send_to(port& p, const hv_peer& to, const caf::message& msg);
  hv_peer me(port& p) const;
  /// True when `x`'s address is one this node checked itself: verified now
  /// (membership_port::verified) or while `x` was its neighbour; and for an
  /// in-process peer (no address).
  bool checked(const hv_peer& x) const;
  /// Remembers that an active peer's address was verified, before it leaves
  /// the active view (the port forgets it with the link).
  void keep_checked(const hv_peer& x);
  /// What we pass on of `x`: its address only if checked (or our own).
  hv_peer vouched(const hv_peer& x) const;
  void emit_member(port& p, event_kind kind, const hv_peer& x, std::string why);

  hyparview_config cfg_;
  membership_port* m_ = nullptr;
  partial_views views_;
  /// Round each active peer was last heard from.
  std::map<std::string, uint64_t> last_heard_;
  /// NEIGHBOR requests awaiting an answer: peer -> round they expire, and
  /// whether the candidate's address was unchecked (one such at a time)
  /// and whether it was asked with high priority (one such at a time).
  struct request {
    uint64_t until = 0;
    bool unchecked = false;
    bool high = false;
  };
  std::map<std::string, request> asked_;
  /// Joiners whose FORWARDJOIN walks wait for their address to be verified:
  /// name -> the round after which they get none.
  std::map<std::string, uint64_t> joiners_;
  /// Joiners this contact took in beyond its active view's size: name ->
  /// the round they leave again (set once their walks are out).
  std::map<std::string, uint64_t> guests_;
  /// (name, address) of former neighbours whose address was verified, while
  /// they are in the passive or lost view.
  std::set<std::pair<std::string, std::string>> checked_;
  /// Peers that left the active view lately: name -> round they left.
  std::map<std::string, uint64_t> former_;
  /// A SHUFFLE of ours awaits its one SHUFFLE_REPLY.
  bool awaiting_reply_ = false;
  /// The round offset of this node's mixing (chosen on its first round).
  std::optional<uint64_t> mix_phase_;
  /// The last round a link failed here (mixing is for nodes that lost one).
  std::optional<uint64_t> last_loss_;
  /// Names this node's last shuffle sent (evicted first by its reply).
  std::vector<std::string> shuffled_;
  std::string contact_; // in-process join contact, retried like seeds
  /// Acceptances our last JOIN may still bring (its contacts' and its
  /// walks' ends), until round walks_until_.
  size_t walks_due_ = 0;
  uint64_t walks_until_ = 0;
  uint64_t next_join_round_ = 0;
  uint64_t join_backoff_ = 1;
  bool leaving_ = false;
};

} // namespace gossip
