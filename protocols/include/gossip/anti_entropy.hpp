// Anti-entropy after Demers et al. 1987, with the digests and bounded deltas
// of scuttlebutt (van Renesse et al. 2008). Each round a node sends `fanout`
// peers a SYN: the highest version it holds of every origin. The peer answers
// with an ACK: the entries the sender lacks (deltas) and requests for what the
// peer lacks; the sender completes with an ACK2 carrying those. Deltas go in
// version order per origin, so a receiver's per-origin high-water mark always
// covers a complete prefix, and they are chosen round-robin across origins
// (starting at a random one) until `budget` bytes are used: no origin starves
// another. Tombstones are dropped `gc` rounds after a node first holds them;
// the high-water marks outlive them, so a deleted key is not sent back.
//
// Parameters: fanout (1), budget (bytes of deltas per message, 65536), gc
// (rounds a tombstone is kept, 0 = forever).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gossip/params.hpp"
#include "gossip/protocol.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

/// "I hold `origin`'s writes up to `version`."
struct origin_version {
  std::string origin;
  uint64_t version = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, origin_version& x) {
  return f(x.origin, x.version);
}

struct ae_syn {
  std::string from;
  std::vector<origin_version> digest;
};

struct ae_ack {
  std::string from;
  std::vector<keyed_entry> deltas;
  std::vector<origin_version> requests;
};

struct ae_ack2 {
  std::string from;
  std::vector<keyed_entry> deltas;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ae_syn& x) {
  return f(caf::meta::type_name("gossip::ae_syn"), x.from, x.digest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ae_ack& x) {
  return f(caf::meta::type_name("gossip::ae_ack"), x.from, x.deltas, x.requests);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ae_ack2& x) {
  return f(caf::meta::type_name("gossip::ae_ack2"), x.from, x.deltas);
}

/// Bytes an entry counts against the budget.
size_t delta_bytes(const keyed_entry& x);

/// The entries of `data` newer than `wanted` (origin -> version held),
/// version-ordered per origin, round-robin across origins from `start`, at
/// most `budget` bytes (one larger entry alone is still sent).
std::vector<keyed_entry> select_deltas(const store& data,
                                       const std::vector<origin_version>& wanted,
                                       size_t budget, size_t start);

std::unique_ptr<protocol> make_anti_entropy(const params& ps);
void add_anti_entropy_types(caf::actor_system_config& cfg);

} // namespace gossip
