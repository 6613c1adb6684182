// How the tools print: JSON objects one per line, and the human-readable
// details of an event in their text formats.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "gossip/event.hpp"
#include "gossip/json_bytes.hpp"

namespace gossip::cli {

/// Keeps the fields in the order they were set.
using json = nlohmann::ordered_json;

/// One object on one line, valid UTF-8 for any bytes: a string that is not
/// UTF-8 goes out as NAME_base64 (gossip/json_bytes.hpp); `replace` only
/// guards the object keys, which are our own names.
inline std::string json_line(json j) {
  encode_bytes(j);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// x rounded to `digits` significant digits, as a stream with that
/// precision prints it: JSON numbers as short as the text tables' (nlohmann
/// writes the shortest form that reads back the same double).
inline double significant(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, x);
  return std::strtod(buf, nullptr);
}

/// What the text formats print after an event's subject: "ADDRESS [WHY]"
/// for a member, "hops=N [topic=T]" for a rumor, "cannot reach ADDRESS: WHY"
/// for an unreachable address, else the event's detail.
std::string detail_text(const event& ev);

} // namespace gossip::cli
