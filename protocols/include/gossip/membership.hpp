// Membership state shared by membership protocols: who is in the cluster,
// at which incarnation, in which status, and the rule that orders updates.
//
// An update about a member supersedes what we know when its incarnation is
// higher, or equal with a stronger status (alive < suspect < dead < left).
// Like the store's merge, that is a max over a total order, so all members
// that saw the same updates agree, whatever the order they saw them in.
#pragma once

#include <caf/atom.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gossip/limits.hpp"
#include "gossip/wire.hpp"

namespace gossip {

/// (members_atom) -> std::vector<member_update>: a node's view of the cluster.
using members_atom = caf::atom_constant<caf::atom("g_members")>;

enum class member_status : uint8_t { alive = 0, suspect = 1, dead = 2, left = 3 };

const char* to_string(member_status x);

/// One member as gossiped; also the row `members` answers with.
struct member_update {
  GOSSIP_WIRE("gossip::member_update", name, incarnation, status, address, meta, reporter)
  std::string name;
  uint64_t incarnation = 0;
  uint8_t status = 0; // member_status
  std::string address;
  /// Small labels such as zone or role.
  std::map<std::string, std::string> meta;
  /// Who said so (for suspicions: independent confirmations count).
  std::string reporter;

  member_status state() const { return static_cast<member_status>(status); }
};

/// Empty when the update may be applied: a plausible name and reporter, a
/// known status, bounded address and labels, and a "left" only as reported
/// by the member itself.
std::string validate(const member_update& u, const limits& lim);

/// True if `u` supersedes a member currently at (incarnation, status).
bool supersedes(const member_update& u, uint64_t incarnation, member_status status);

class member_table {
public:
  /// Applies `u` if it supersedes what we know (or the member is new), or
  /// takes the address it brings for a member we knew without one.
  /// Returns false when nothing changed. `before` gets the previous status
  /// (left untouched for a new member), `was_known` whether it existed.
  bool apply(const member_update& u, bool& was_known, member_status& before);

  const member_update* find(const std::string& name) const;
  const std::map<std::string, member_update>& all() const { return members_; }
  /// Names of members in one of the given statuses.
  std::vector<std::string> names(std::initializer_list<member_status> states) const;
  /// How many members are in `status` (kept as updates apply: every message
  /// asks for the cluster's size).
  size_t count(member_status status) const {
    return counts_[static_cast<size_t>(status)];
  }
  /// Goes up with every change apply() makes.
  uint64_t version() const { return version_; }

private:
  static bool fills_address(const member_update& u, member_update& m);
  bool changed(member_status before, member_status after);
  std::map<std::string, member_update> members_;
  size_t counts_[4] = {0, 0, 0, 0};
  uint64_t version_ = 0;
};

/// Updates waiting to be piggybacked, each sent a limited number of times
/// (retransmit_mult * ceil(log10(n + 1)), as memberlist does): urgent ones
/// first (a node's own state: its refutation), then the fewest sends, then
/// the newest. A newer update about a member replaces the queued one. Newest
/// first keeps a flood of updates (10,000 made-up members, say) from holding
/// back what came after it; urgent first keeps a refutation in every message
/// until its sends are used up, not once and then behind the whole flood.
class broadcast_queue {
public:
  void push(member_update u, bool urgent = false);
  /// Up to `max` updates for the next message; counts them as sent once more.
  std::vector<member_update> take(size_t max, size_t limit);
  size_t size() const { return items_.size(); }

private:
  struct item {
    member_update update;
    size_t sent = 0;
    bool urgent = false;
    uint64_t seq = 0; // order of arrival
  };
  std::vector<item> items_;
  uint64_t next_seq_ = 0;
};

} // namespace gossip
