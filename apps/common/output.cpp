#include "output.hpp"

namespace gossip::cli {

std::string detail_text(const event& ev) {
  if (is_member_event(ev.kind))
    return ev.detail.empty() ? ev.address : ev.address + " " + ev.detail;
  if (ev.kind == event_kind::delivered && ev.key.empty())
    return "hops=" + std::to_string(ev.hops) +
           (ev.topic.empty() ? "" : " topic=" + ev.topic);
  if (ev.kind == event_kind::unreachable)
    return "cannot reach " + ev.address + ": " + ev.detail;
  return ev.detail;
}

} // namespace gossip::cli
