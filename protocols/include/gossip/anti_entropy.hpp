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
// Per-origin marks assume a node receives each origin's writes in order; a
// write that came by another protocol (a rumor, an eager push) while an
// earlier one was lost leaves a gap no mark reveals. So every `sweep` rounds
// the SYN also carries one page of the sender's per-key digest (paging.hpp):
// the peer answers with the entries of that range the sender lacks and names
// the keys of it that it lacks itself, which the ACK2 brings. The pages move
// on round after round, so the whole store is compared, a page at a time.
#pragma once

#include <string>
#include <vector>

#include "gossip/paging.hpp"
#include "gossip/registry.hpp"

namespace gossip {

/// "I hold `origin`'s writes up to `version`."
struct origin_version {
  GOSSIP_WIRE("gossip::origin_version", origin, version)
  std::string origin;
  uint64_t version = 0;
};

struct ae_syn {
  GOSSIP_WIRE("gossip::ae_syn", from, digest, sweep, start, end, page)
  std::string from;
  std::vector<origin_version> digest;
  /// A page of the per-key digest rides along: keys [start, end) ("" end:
  /// to the last key) as the sender holds them.
  bool sweep = false;
  std::string start;
  std::string end;
  std::vector<digest_item> page;
};

struct ae_ack {
  GOSSIP_WIRE("gossip::ae_ack", from, deltas, requests, wanted)
  std::string from;
  std::vector<keyed_entry> deltas;
  std::vector<origin_version> requests;
  /// Keys of the SYN's page that the answering node lacks or holds older.
  std::vector<std::string> wanted;
};

struct ae_ack2 {
  GOSSIP_WIRE("gossip::ae_ack2", from, deltas)
  std::string from;
  std::vector<keyed_entry> deltas;
};

/// Empty when a list of per-origin versions is bounded and names origins.
std::string validate(const std::vector<origin_version>& xs, const limits& lim);
std::string validate(const ae_syn& m, const limits& lim);
std::string validate(const ae_ack& m, const limits& lim);
std::string validate(const ae_ack2& m, const limits& lim);

/// The entries of `data` newer than `wanted` (origin -> version held),
/// version-ordered per origin, round-robin across origins from `start`, at
/// most `budget` bytes (one larger entry alone is still sent).
std::vector<keyed_entry> select_deltas(const store& data,
                                       const std::vector<origin_version>& wanted,
                                       size_t budget, size_t start);

const protocol_info& anti_entropy_info();

} // namespace gossip
