// How gossip-ctl prints what a node answers: one line per member, entry or
// counter row, as text or as JSON lines (which keep any bytes of a key or
// value).
#pragma once

#include <vector>

#include "gossip/counters.hpp"
#include "gossip/membership.hpp"
#include "gossip/store.hpp"

namespace gossip::ctl {

void print_members(const std::vector<member_update>& ms, bool as_json);
/// Text: "KEY VERSION ORIGIN VALUE" ("-" for a tombstone's value).
void print_entries(const std::vector<keyed_entry>& xs, bool as_json);
void print_stats(const counters& c, bool as_json);

} // namespace gossip::ctl
