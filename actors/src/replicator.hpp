// The node's side of write levels and convergence (gossip/replicas.hpp):
// requests that wait for members' answers, each with its retries and its
// deadline, and the answers this node gives other nodes' questions. The
// members asked are the node's live peers (SWIM's alive and suspect members,
// or the static peers), whatever dissemination protocol runs.
#pragma once

#include <caf/fwd.hpp>
#include <caf/message.hpp>
#include <caf/message_handler.hpp>
#include <caf/response_promise.hpp>
#include <caf/result.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gossip/protocol.hpp"
#include "gossip/replicas.hpp"

namespace gossip {

struct node_state;

class replicator {
public:
  replicator(caf::event_based_actor* self, node_state& st);

  /// Handlers for the exchange's messages, run behind the node's gate.
  void handlers(handler_set& hs);
  /// wait and agreement requests (atoms.hpp), and the retries' own ticks.
  caf::message_handler api();

  /// Empty when a write with `level` may go ahead; else why not (a refusal
  /// for want of room is counted).
  std::string refusal(const write_level& level);
  /// `key` was just written here: its report comes once `level` is met, can
  /// no longer be met, or its time is up.
  caf::result<hold_report> replicate(const std::string& key, const write_level& level);

private:
  struct pending {
    caf::response_promise rp;
    int64_t deadline_ms = 0;
    int64_t backoff_ms = 0;
    int64_t max_backoff_ms = 0;
  };
  struct pending_write : pending {
    pending_write(pending p, write_quorum q, caf::message m)
        : pending(std::move(p)), quorum(std::move(q)), msg(std::move(m)) {}
    write_quorum quorum;
    caf::message msg; // the replica_write, shared by every send
  };
  struct pending_wait : pending {
    pending_wait(pending p, convergence c) : pending(std::move(p)), conv(std::move(c)) {}
    convergence conv;
  };
  struct pending_agree : pending {
    explicit pending_agree(pending p) : pending(std::move(p)) {}
    agreement views;
  };

  caf::result<hold_report> wait(const std::string& key, uint64_t timeout_ms);
  caf::result<view_report> agree(uint64_t timeout_ms);
  /// A retry or the deadline of request `seq`.
  void tick(uint64_t seq);
  void on_held(const held& m);
  void on_view(const view_digest& m);

  void retry(pending_write& w);
  void query(uint64_t seq, const pending_wait& w);
  void query(uint64_t seq, const pending_agree& a);
  /// Answers a request whose level is met (or hopeless, or late) and drops it.
  void finish_write(uint64_t seq);
  void finish_wait(uint64_t seq);
  void finish_agree(uint64_t seq);

  /// A pending request's first state: a promise, a deadline, its pauses.
  pending start(uint64_t timeout_ms, int64_t first_ms, int64_t max_ms);
  std::string no_room();
  void schedule(uint64_t seq, pending& p);
  /// The live members but this node.
  std::vector<std::string> others() const;
  /// This node's live view: how many members, and their digest.
  view_digest own_view(uint64_t seq) const;

  caf::event_based_actor* self_;
  node_state& st_;
  uint64_t seq_ = 0;
  std::map<uint64_t, pending_write> writes_;
  std::map<uint64_t, pending_wait> waits_;
  std::map<uint64_t, pending_agree> agrees_;
};

} // namespace gossip
