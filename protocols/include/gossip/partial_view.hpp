// HyParView's bookkeeping, without any messages: the small active view (the
// peers this node keeps links to), the larger passive view (candidates to
// repair it with), and a short memory of peers lost to failures. The views
// never hold this node itself and never share a peer; the protocol
// (hyparview.cpp) decides when to move peers between them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gossip/limits.hpp"
#include "gossip/rng.hpp"
#include "gossip/wire.hpp"

namespace gossip {

/// A peer as HyParView passes it around: its name and, for a remote node,
/// the "host:port" it listens at (empty in-process).
struct hv_peer {
  GOSSIP_WIRE("gossip::hv_peer", name, address)
  std::string name;
  std::string address;
};

/// Empty when `x` has a plausible name and an empty or well-formed address.
std::string validate(const hv_peer& x, const limits& lim);

class partial_views {
public:
  partial_views(size_t active_max, size_t passive_max)
      : active_max_(active_max), passive_max_(passive_max) {}
  /// The node's own name, never admitted to a view. A protocol learns it
  /// from its port, after construction.
  void set_self(const std::string& self) {
    if (self_.empty())
      self_ = self;
  }

  const std::vector<hv_peer>& active() const { return active_; }
  const std::vector<hv_peer>& passive() const { return passive_; }
  /// Peers that failed or never answered, newest last: not repair
  /// candidates, but worth a rare try after a partition heals.
  const std::vector<hv_peer>& lost() const { return lost_; }

  const hv_peer* find_active(const std::string& name) const;
  const hv_peer* find_passive(const std::string& name) const;
  bool active_full() const { return active_.size() >= active_max_; }
  size_t active_max() const { return active_max_; }

  struct added {
    bool is_new = false;
    /// The peer dropped to make room (now in the passive view).
    std::optional<hv_peer> evicted;
  };
  /// Makes `x` active, out of the passive and lost lists. A full view drops
  /// a random peer for it. Peers named in `extra` (taken in beyond the
  /// view's size) neither count toward it nor are dropped, and `x` among
  /// them drops nobody. An active peer keeps the address it has.
  added add_active(const hv_peer& x, rng_type& rng,
                   const std::vector<std::string>& extra = {});
  /// Takes `name` out of the active view; nothing if it was not there.
  std::optional<hv_peer> remove_active(const std::string& name);

  /// Adds a candidate unless it is self, active or already passive (one
  /// known by name only takes the address `x` brings); a full view drops one
  /// of `prefer` (the entries we just sent away) first, else a random one.
  void add_passive(const hv_peer& x, rng_type& rng,
                   std::vector<std::string>* prefer = nullptr);
  bool remove_passive(const std::string& name);
  /// Integrates a shuffle's entries (add_passive for each).
  void merge(const std::vector<hv_peer>& entries, std::vector<std::string> sent,
             rng_type& rng);

  /// Remembers a failed peer (out of the passive view), oldest forgotten first.
  void add_lost(const hv_peer& x);

  /// Up to k distinct random peers of a view, none named in `except`.
  std::vector<hv_peer> sample_active(size_t k, rng_type& rng,
                                     const std::vector<std::string>& except = {}) const;
  std::vector<hv_peer> sample_passive(size_t k, rng_type& rng,
                                      const std::vector<std::string>& except = {}) const;

private:
  bool excluded(const std::string& name) const;

  std::string self_;
  size_t active_max_;
  size_t passive_max_;
  std::vector<hv_peer> active_;
  std::vector<hv_peer> passive_;
  std::vector<hv_peer> lost_;
};

} // namespace gossip
