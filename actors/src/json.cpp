// One-line JSON for events and counters (what --events json and
// --format=json print).
#include <cstdio>
#include <string>

#include "gossip/counters.hpp"
#include "gossip/event.hpp"

namespace gossip {

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string traffic_json(const traffic& t) {
  return "{\"sent_msgs\":" + std::to_string(t.sent_msgs)
         + ",\"sent_bytes\":" + std::to_string(t.sent_bytes)
         + ",\"recv_msgs\":" + std::to_string(t.recv_msgs)
         + ",\"recv_bytes\":" + std::to_string(t.recv_bytes)
         + ",\"rejected\":" + std::to_string(t.rejected) + "}";
}

} // namespace

std::string to_json(const event& x) {
  std::string out = "{\"event\":" + quoted(x.kind) + ",\"node\":" + quoted(x.node)
                    + ",\"time_ms\":" + std::to_string(x.time_ms)
                    + ",\"round\":" + std::to_string(x.round);
  if (!x.peer.empty())
    out += ",\"peer\":" + quoted(x.peer);
  if (!x.key.empty()) {
    out += ",\"key\":" + quoted(x.key) + ",\"value\":" + quoted(x.value)
           + ",\"version\":" + std::to_string(x.version) + ",\"origin\":" + quoted(x.origin)
           + ",\"tombstone\":" + (x.tombstone ? "true" : "false");
  }
  if (!x.detail.empty())
    out += ",\"detail\":" + quoted(x.detail);
  return out + "}";
}

std::string to_json(const counters& x) {
  std::string out = "{\"rounds\":" + std::to_string(x.rounds)
                    + ",\"unknown\":" + std::to_string(x.unknown)
                    + ",\"unroutable\":" + std::to_string(x.unroutable)
                    + ",\"total\":" + traffic_json(x.total) + ",\"by_type\":{";
  bool first = true;
  for (auto& [name, t] : x.by_type) {
    out += (first ? "" : ",") + quoted(name) + ":" + traffic_json(t);
    first = false;
  }
  return out + "}}";
}

} // namespace gossip
