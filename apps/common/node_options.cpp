#include "node_options.hpp"

namespace gossip::cli {

const std::vector<option>& protocol_options() {
  static const std::vector<option> xs{
    {"fanout", "N", "peers contacted per round or per forward (push, push-pull: 1; probabilistic: 3)"},
    {"p", "P", "probabilistic: forward probability (1.0)"},
    {"k", "N", "probabilistic: always forward for the first k hops (0)"},
    {"remember", "N", "probabilistic: rounds a rumor id is kept for dedup (100)"},
    {"indirect", "N", "swim: members asked for indirect probes (3)"},
    {"suspicion-mult", "X", "swim: min suspicion timeout = X * max(1, log10 n) rounds (4)"},
    {"suspicion-max", "X", "swim: max suspicion timeout, times the min (6)"},
    {"retransmit-mult", "N", "swim: sends per update = N * ceil(log10(n+1)) (4)"},
    {"piggyback", "N", "swim: most updates per message (16)"},
    {"probe-every", "N", "swim: rounds between probes (1)"},
    {"dead-retry", "N", "swim: rounds between attempts to reach a dead member (10)"},
    {"sync-every", "N", "swim: rounds between full-table exchanges (30)"},
  };
  return xs;
}

std::vector<option> operator+(std::vector<option> base, const std::vector<option>& extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

} // namespace gossip::cli
