// Counters as one line of JSON (gossip-ctl stats --format=json).
#include <nlohmann/json.hpp>

#include "gossip/counters.hpp"

namespace gossip {

namespace {

using json = nlohmann::ordered_json;

json traffic_json(const traffic& t) {
  return json{{"sent_msgs", t.sent_msgs}, {"sent_bytes", t.sent_bytes},
              {"recv_msgs", t.recv_msgs}, {"recv_bytes", t.recv_bytes},
              {"rejected", t.rejected},   {"rejected_items", t.rejected_items}};
}

} // namespace

std::string to_json(const counters& x) {
  json by_type = json::object();
  for (auto& [name, t] : x.by_type)
    by_type[name] = traffic_json(t);
  json j{{"rounds", x.rounds},
         {"unknown", x.unknown},
         {"unroutable", x.unroutable},
         {"update_msgs", x.update_msgs},
         {"lost", x.lost},
         {"refused_subscribers", x.refused_subscribers},
         {"deferred_dials", x.deferred_dials},
         {"refused_requests", x.refused_requests},
         {"store_keys", x.store_keys},
         {"store_bytes", x.store_bytes},
         {"suspicions", x.suspicions},
         {"refutations", x.refutations},
         {"total", traffic_json(x.total)},
         {"by_type", std::move(by_type)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace gossip
