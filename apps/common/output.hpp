// How the tools print: JSON objects one per line, and the human-readable
// details of an event in their text formats.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "gossip/event.hpp"

namespace gossip::cli {

/// Keeps the fields in the order they were set.
using json = nlohmann::ordered_json;

/// One object on one line; bytes that are not UTF-8 become U+FFFD instead
/// of an exception.
inline std::string json_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// What the text formats print after an event's subject: "ADDRESS [WHY]"
/// for a member, "hops=N [topic=T]" for a rumor, "cannot reach ADDRESS: WHY"
/// for an unreachable address, else the event's detail.
std::string detail_text(const event& ev);

} // namespace gossip::cli
