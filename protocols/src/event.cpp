// Events as one line of JSON (what gossip-node --events=json prints).
#include "gossip/event.hpp"

#include <cstdio>

#include "gossip/json.hpp"

namespace gossip {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
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

std::string to_json(const event& x) {
  std::string out = "{\"event\":" + json_quote(x.kind) +
                    ",\"node\":" + json_quote(x.node) +
                    ",\"time_ms\":" + std::to_string(x.time_ms) +
                    ",\"round\":" + std::to_string(x.round);
  bool member = x.kind.rfind("member_", 0) == 0;
  if (!x.peer.empty())
    out += ",\"peer\":" + json_quote(x.peer);
  if (!x.key.empty())
    out += ",\"key\":" + json_quote(x.key);
  if (!x.key.empty() || !x.value.empty())
    out += ",\"value\":" + json_quote(x.value);
  if (x.version != 0)
    out += (member ? ",\"incarnation\":" : ",\"version\":") + std::to_string(x.version);
  if (!x.origin.empty())
    out += ",\"origin\":" + json_quote(x.origin);
  if (!x.key.empty())
    out += std::string{",\"tombstone\":"} + (x.tombstone ? "true" : "false");
  if (!x.detail.empty())
    out += ",\"detail\":" + json_quote(x.detail);
  return out + "}";
}

} // namespace gossip
