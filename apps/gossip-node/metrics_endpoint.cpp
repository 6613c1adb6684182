#include "metrics_endpoint.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <civetweb.h>
#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <chrono>
#include <stdexcept>

#include "gossip/atoms.hpp"
#include "metrics_families.hpp"

namespace gossip {

namespace {

using namespace std::chrono_literals;

// A scrape waits this long for each answer; Prometheus' own scrape timeout
// is 10 s by default.
constexpr auto answer_timeout = 2s;

// Asks the node at each scrape (on one of civetweb's threads, never on
// CAF's): the numbers are the node's own counters, never a copy kept here.
class node_collector : public prometheus::Collectable {
public:
  node_collector(caf::actor_system& sys, caf::actor node, std::string name)
      : sys_(sys), node_(std::move(node)), name_(std::move(name)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    scrape s;
    caf::scoped_actor self{sys_};
    auto fail = [](const caf::error&) {}; // that part stays absent
    self->request(node_, answer_timeout, stats_atom::value)
        .receive([&](const counters& c) { s.stats = c; }, fail);
    self->request(node_, answer_timeout, members_atom::value)
        .receive([&](const std::vector<member_update>& ms) { s.members = ms; }, fail);
    self->request(node_, answer_timeout, in_process, metrics_atom::value)
        .receive([&](const node_gauges& g) { s.gauges = g; }, fail);
    if (auto g = guard::of(sys_))
      if (auto c = guard::query(sys_, g))
        s.connections = *c;
    s.node = name_;
    return families(s);
  }

private:
  caf::actor_system& sys_;
  caf::actor node_;
  std::string name_;
};

// civetweb's listening_ports syntax: "host:port", "[v6]:port".
std::vector<std::string> civetweb_options(const host_port& where) {
  return {
      "listening_ports",
      to_string(where),
      // Bounded: two threads, a request of at most 16 KiB that must arrive
      // within 5 s, one request per connection.
      "num_threads",
      "2",
      "max_request_size",
      "16384",
      "request_timeout_ms",
      "5000",
      "enable_keep_alive",
      "no",
  };
}

} // namespace

struct metrics_endpoint::impl {
  std::unique_ptr<prometheus::Exposer> exposer;
  std::shared_ptr<node_collector> collector;
};

metrics_endpoint::metrics_endpoint(caf::actor_system& sys, caf::actor node,
                                   std::string name, const host_port& where)
    : impl_(std::make_unique<impl>()) {
  try {
    impl_->exposer = std::make_unique<prometheus::Exposer>(civetweb_options(where));
  } catch (const std::exception& e) {
    throw std::runtime_error(e.what());
  }
  impl_->collector =
      std::make_shared<node_collector>(sys, std::move(node), std::move(name));
  impl_->exposer->RegisterCollectable(impl_->collector);
}

metrics_endpoint::~metrics_endpoint() = default;

bool metrics_endpoint::ipv6() {
  return mg_check_feature(8) != 0; // 8: USE_IPV6 (civetweb.h)
}

uint16_t metrics_endpoint::port() const {
  auto ports = impl_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<uint16_t>(ports.front());
}

} // namespace gossip
