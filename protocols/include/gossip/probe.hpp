// SWIM's failure-detector state: the one probe under way, the probes this
// node relays for others, and the order members are probed in (shuffled
// round-robin: each live member once per pass, so a failure is found within
// a bounded time). Pure state; swim.cpp sends the messages.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gossip/rng.hpp"

namespace gossip {

struct probe {
  std::string target;
  /// The incarnation probed; a newer one is a new life.
  uint64_t incarnation = 0;
  uint64_t seq = 0;
  /// Round by which an ack must have come.
  uint64_t deadline = 0;
  /// The indirect phase has started.
  bool indirect = false;
  /// The ping waits for the connection to the target to come up
  /// (membership_port::connecting); its deadline counts from then.
  bool dialing = false;
  /// The last round it waits so.
  uint64_t connect_until = 0;
};

/// A probe this node runs on behalf of `origin` (a ping_req).
struct relay {
  std::string origin;
  uint64_t origin_seq = 0;
  std::string target;
  uint64_t expires = 0;
};

class prober {
public:
  /// A new sequence number for a ping.
  uint64_t next_seq() { return ++seq_; }

  const std::optional<probe>& current() const { return probe_; }
  std::optional<probe>& current() { return probe_; }
  void start(probe p) { probe_ = std::move(p); }
  /// An ack (direct, or relayed for `target`) for sequence `seq`: true if it
  /// answers the probe under way, which then ends.
  bool acked(uint64_t seq, const std::string& target);
  void give_up() { probe_.reset(); }

  /// Probing `target` for `r.origin`; returns the sequence number used.
  uint64_t add_relay(relay r);
  /// The relay waiting for an ack with `seq`, taken out; or nothing.
  std::optional<relay> take_relay(uint64_t seq);
  void expire_relays(uint64_t round);

  /// The next member to probe among those `live` accepts; passes are
  /// reshuffled from `members` (called when one is used up).
  std::string next_target(const std::function<bool(const std::string&)>& live,
                          const std::function<std::vector<std::string>()>& members,
                          rng_type& rng);

private:
  std::optional<probe> probe_;
  uint64_t seq_ = 0;
  std::map<uint64_t, relay> relays_;
  std::vector<std::string> order_;
  size_t pos_ = 0;
};

} // namespace gossip
