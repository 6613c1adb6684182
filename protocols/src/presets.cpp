#include "gossip/presets.hpp"

#include <stdexcept>

namespace gossip {

const std::vector<preset>& all_presets() {
  // local: the protocols' own defaults, tuned for nodes in one process
  // (gossip-sim, in-process clusters), where a message is nearly free.
  //
  // lan: one node per process on a LAN (gossip-node's default). Every message
  // and tick costs CAF thread hand-offs (about 0.15 ms of CPU a tick), so the
  // idle load stays low: 500 ms rounds, a probe a second (as memberlist), the
  // full store exchange every 5 s, and the fast path event-driven: a new write
  // is forwarded at once to 3 peers, a rumor to 6 (leaving about e^-6 = 0.25%
  // out) and repeated once a round later to catch those.
  //
  // wan: like lan with memberlist's WAN ratios: rounds of 1 s, a probe every
  // 5 s, longer suspicions, the full exchange every 30 s.
  static const std::vector<preset> table{
      {"local", "the protocols' own defaults (nodes in one process)", {}},
      {"lan",
       "one node per process on a LAN (gossip-node's default)",
       {{"interval", "500ms"},
        {"probe-every", "2"},
        {"sync-every", "60"},
        {"every", "10"},
        {"eager", "3"},
        {"repeat", "1"},
        {"probabilistic.fanout", "6"}}},
      {"wan",
       "nodes far apart: slower probes, longer suspicions",
       {{"interval", "1s"},
        {"probe-every", "5"},
        {"suspicion-mult", "6"},
        {"sync-every", "60"},
        {"every", "30"},
        {"eager", "3"},
        {"repeat", "1"},
        {"probabilistic.fanout", "6"}}},
  };
  return table;
}

std::string preset_table() {
  std::string out =
      "| preset | for | values (over the protocols' defaults) |\n|---|---|---|\n";
  for (auto& p : all_presets()) {
    std::string values;
    for (auto& [k, v] : p.values)
      values += (values.empty() ? "`" : ", `") + std::string{k} + "=" + v + "`";
    out += std::string{"| `"} + p.name + "` | " + p.summary + " | " +
           (values.empty() ? "—" : values) + " |\n";
  }
  return out;
}

void apply_preset(const std::string& name, params& ps) {
  for (auto& p : all_presets())
    if (name == p.name) {
      for (auto& [k, v] : p.values)
        ps.set_default(k, v);
      return;
    }
  throw std::invalid_argument("unknown preset '" + name + "' (known: local, lan, wan)");
}

} // namespace gossip
