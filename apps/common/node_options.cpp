#include "node_options.hpp"

namespace gossip::cli {

const std::vector<option>& protocol_options() {
  static const std::vector<option> xs{
      {"fanout", "N",
       "peers per round or forward (push, push-pull: 1; probabilistic: 3, gossip-node: "
       "4);"
       " PROTOCOL.fanout sets it for one protocol only"},
      {"hot", "N", "push-pull: rounds an entry counts as fresh and is pushed (3)"},
      {"every", "N", "push-pull: rounds between exchanges (1; gossip-node: 10)"},
      {"eager", "N",
       "push-pull: forward a new entry at once to N peers (0; gossip-node: 3)"},
      {"p", "P", "probabilistic: forward probability (1.0)"},
      {"k", "N", "probabilistic: always forward for the first k hops (0)"},
      {"remember", "N", "probabilistic: rounds a rumor id is kept for dedup (100)"},
      {"defer", "", "probabilistic, directed: forward at the next round, not at once"},
      {"repeat", "N",
       "probabilistic: rounds a forwarded rumor is sent again (0; gossip-node: 1)"},
      {"mode", "MODE", "rumor: push, pull or push-pull (default push)"},
      {"feedback", "", "rumor: lose interest on contacts that knew it (default)"},
      {"blind", "", "rumor: lose interest regardless of the contact"},
      {"counter", "K", "rumor: lose interest after K contacts (default 1)"},
      {"coin", "K", "rumor: lose interest with probability 1/K per contact"},
      {"connection-limit", "N", "rumor: pushes a node takes per round (0: no limit)"},
      {"budget", "BYTES", "anti-entropy: bytes of deltas per message (default 65536)"},
      {"gc", "N", "anti-entropy: rounds a tombstone is kept (default 0: forever)"},
      {"random", "P", "directed: share of random picks (default 0.1)"},
      {"aggregate", "WHAT", "push-sum: average, sum or count (default average)"},
      {"leader", "NAME", "push-sum: node with weight 1 for sum and count (default 0)"},
      {"indirect", "N", "swim: members asked for indirect probes (3)"},
      {"suspicion-mult", "X",
       "swim: min suspicion timeout = X * max(1, log10 n) rounds (4)"},
      {"suspicion-max", "X", "swim: max suspicion timeout, times the min (6)"},
      {"retransmit-mult", "N", "swim: sends per update = N * ceil(log10(n+1)) (4)"},
      {"piggyback", "N", "swim: most updates per message (16)"},
      {"gossip-fanout", "N", "swim: members sent pending updates each round (3)"},
      {"probe-every", "N", "swim: rounds between probes (1; gossip-node: 2)"},
      {"dead-retry", "N", "swim: rounds between attempts to reach a dead member (10)"},
      {"sync-every", "N",
       "swim: rounds between full-table exchanges (30; gossip-node: 60)"},
  };
  return xs;
}

std::vector<option> operator+(std::vector<option> base,
                              const std::vector<option>& extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

} // namespace gossip::cli
