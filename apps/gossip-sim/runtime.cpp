#include "runtime.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <stdexcept>

#include "gossip/atoms.hpp"
#include "gossip/event.hpp"
#include "timing.hpp"

namespace gossip::sim {

void tell(local_cluster& cluster, size_t i, const caf::message& request) {
  caf::anon_send(cluster.node(i), request);
}

void observe(local_cluster& cluster, const std::vector<size_t>& nodes,
             std::function<void(const event&)> f) {
  auto collector = cluster.system().spawn([f](caf::event_based_actor*) -> caf::behavior {
    return {[f](const event& e) { f(e); }};
  });
  for (auto i : nodes)
    caf::anon_send(cluster.node(i), caf::subscribe_atom::value, collector);
  cluster.settle();
}

cluster_options actor_options(const world_options& o) {
  cluster_options c;
  c.nodes = o.nodes;
  c.protocol = o.protocol;
  c.protocol_params = o.protocol_params;
  c.seed = o.seed;
  c.deterministic = true;
  c.synchronous = o.synchronous;
  c.node.sampler = o.sampler;
  c.node.zone_local = o.zone_local;
  c.node.faults.loss = o.loss;
  c.node.faults.delay_rounds = o.delay_rounds;
  c.labels_of = o.labels_of;
  return c;
}

namespace {

template <class Cluster, class Options, class F>
result build_and_run(const Options& opts, size_t nodes, const F& f) {
  auto rss0 = rss_kib();
  auto t0 = clock_type::now();
  Cluster cluster{opts};
  auto spawn_ms = ms_since(t0);
  auto rss = (rss_kib() - rss0) / static_cast<double>(nodes);
  auto r = f(cluster);
  r.spawn_ms = spawn_ms;
  r.rss_kib_per_node = rss;
  return r;
}

} // namespace

result on_runtime(const settings& s, const world_options& o,
                  const std::function<result(local_cluster&)>& on_actors,
                  const std::function<result(world&)>& on_world) {
  if (s.runtime == "actors")
    return build_and_run<local_cluster>(actor_options(o), o.nodes, on_actors);
  if (s.runtime == "direct")
    return build_and_run<world>(o, o.nodes, on_world);
  throw std::invalid_argument("unknown runtime '" + s.runtime +
                              "' (known: direct, actors)");
}

} // namespace gossip::sim
