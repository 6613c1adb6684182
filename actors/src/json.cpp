// Counters as one line of JSON (gossip-ctl stats --format=json).
#include <cstdio>
#include <string>

#include "gossip/counters.hpp"
#include "gossip/json.hpp"

namespace gossip {

namespace {

std::string traffic_json(const traffic& t) {
  return "{\"sent_msgs\":" + std::to_string(t.sent_msgs) +
         ",\"sent_bytes\":" + std::to_string(t.sent_bytes) +
         ",\"recv_msgs\":" + std::to_string(t.recv_msgs) +
         ",\"recv_bytes\":" + std::to_string(t.recv_bytes) +
         ",\"rejected\":" + std::to_string(t.rejected) + "}";
}

} // namespace

std::string to_json(const counters& x) {
  std::string out = "{\"rounds\":" + std::to_string(x.rounds) +
                    ",\"unknown\":" + std::to_string(x.unknown) +
                    ",\"unroutable\":" + std::to_string(x.unroutable) +
                    ",\"update_msgs\":" + std::to_string(x.update_msgs) +
                    ",\"lost\":" + std::to_string(x.lost) +
                    ",\"total\":" + traffic_json(x.total) + ",\"by_type\":{";
  bool first = true;
  for (auto& [name, t] : x.by_type) {
    out += (first ? "" : ",") + json_quote(name) + ":" + traffic_json(t);
    first = false;
  }
  return out + "}}";
}

} // namespace gossip
