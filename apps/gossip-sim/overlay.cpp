#include "overlay.hpp"

#include <caf/message.hpp>

#include <algorithm>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "gossip/counters.hpp"
#include "gossip/directed.hpp"
#include "gossip/event.hpp"
#include "gossip/hyparview.hpp"
#include "gossip/rumor.hpp"
#include "runtime.hpp"
#include "timing.hpp"

namespace gossip::sim {

namespace {

// What the survivors delivered, per broadcast: its payload is "b<index>".
struct deliveries {
  std::vector<size_t> count;
  std::vector<uint32_t> last_hop;
};

// Counts a survivor's delivery of broadcast b<index>.
void count_delivery(deliveries& d, const event& e) {
  if (e.kind != event_kind::delivered || e.value.size() < 2 || e.value[0] != 'b')
    return;
  size_t b = 0;
  for (size_t i = 1; i < e.value.size() && b <= d.count.size(); ++i)
    b = b * 10 + static_cast<size_t>(e.value[i] - '0');
  if (b >= d.count.size())
    return;
  ++d.count[b];
  d.last_hop[b] = std::max(d.last_hop[b], e.hops);
}

// k distinct nodes out of n, chosen by `rng`.
std::vector<size_t> pick(size_t n, size_t k, rng_type& rng) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  for (size_t i = 0; i < k && i < n; ++i)
    std::swap(all[i], all[i + rng() % (n - i)]);
  all.resize(std::min(k, n));
  return all;
}

// True when no survivor's view holds a failed node and the survivors' views
// connect them all (links taken both ways): the overlay is whole again.
template <class Cluster> bool healed(Cluster& cluster, const std::vector<bool>& failed) {
  std::vector<std::vector<size_t>> links(cluster.size());
  size_t first = cluster.size(), alive = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (failed[i])
      continue;
    first = std::min(first, i);
    ++alive;
    for (auto& name : *cluster.peek(i).peers) {
      auto j = static_cast<size_t>(std::stoul(name));
      if (j >= failed.size() || failed[j])
        return false;
      links[i].push_back(j);
      links[j].push_back(i);
    }
  }
  if (alive == 0)
    return true;
  std::vector<bool> seen(cluster.size(), false);
  std::vector<size_t> todo{first};
  size_t reached = 0;
  seen[first] = true;
  while (!todo.empty()) {
    auto i = todo.back();
    todo.pop_back();
    ++reached;
    for (auto j : links[i])
      if (!seen[j]) {
        seen[j] = true;
        todo.push_back(j);
      }
  }
  return reached == alive;
}

template <class Cluster, class F>
uint64_t sum_over(Cluster& cluster, const std::vector<bool>& failed, F f) {
  uint64_t n = 0;
  for (size_t i = 0; i < cluster.size(); ++i)
    if (!failed[i])
      n += f(*cluster.peek(i).stats);
  return n;
}

template <class Cluster>
size_t pending(Cluster& cluster, const std::vector<bool>& failed) {
  size_t n = 0;
  for (size_t i = 0; i < cluster.size(); ++i)
    if (!failed[i])
      for (auto& p : *cluster.peek(i).protocols)
        n += p->pending();
  return n;
}

} // namespace

std::string protocols_of(const settings& s) {
  return s.overlay == "hyparview" ? "hyparview," + s.protocol : s.protocol;
}

namespace {

template <class Cluster> void join(Cluster& cluster, const settings& s, rng_type& rng) {
  if (s.overlay != "hyparview")
    return;
  bool at_once = s.join == "at-once";
  for (size_t i = 1; i < cluster.size(); ++i) {
    auto contact = at_once ? 0 : rng() % i;
    tell(cluster, i,
         caf::make_message(in_process, hv_join_atom::value, cluster.name(contact)));
    if (!at_once)
      cluster.settle();
  }
  cluster.settle();
}

} // namespace

void join_overlay(local_cluster& cluster, const settings& s, rng_type& rng) {
  join(cluster, s, rng);
}

void join_overlay(world& w, const settings& s, rng_type& rng) {
  join(w, s, rng);
}

namespace {

template <class Cluster>
result broadcasts(Cluster& cluster, const settings& s, rng_type& rng,
                  const std::function<void(const progress_info&)>& progress) {
  result r;
  r.nodes = s.nodes;
  r.overlay = s.overlay;
  r.protocol = s.protocol;
  r.fail = s.fail;
  auto t1 = clock_type::now();
  join_overlay(cluster, s, rng);
  std::vector<bool> failed(s.nodes, false);
  auto control = [&] {
    return sum_over(cluster, failed,
                    [](const counters& c) { return c.total.sent_msgs - c.update_msgs; });
  };
  for (size_t round = 1; round <= s.stabilise; ++round) {
    cluster.run_round();
    if (progress)
      progress({round, static_cast<double>(round) /
                           static_cast<double>(s.stabilise + s.broadcasts)});
  }
  // One broadcast before the failure, not measured: Plumtree builds its tree
  // on the first one (the papers measure a stable tree).
  tell(cluster, rng() % s.nodes,
       caf::make_message(broadcast_atom::value, std::string{"warm-up"}));
  cluster.settle();
  cluster.run_round();
  // Everyone's upkeep until the failure (the failed nodes' included).
  uint64_t upkeep = control();
  auto victims =
      pick(s.nodes, static_cast<size_t>(s.fail * static_cast<double>(s.nodes)), rng);
  for (auto i : victims)
    failed[i] = true;
  cluster.crash(victims);
  std::vector<size_t> survivors;
  for (size_t i = 0; i < s.nodes; ++i)
    if (!failed[i])
      survivors.push_back(i);
  r.survivors = survivors.size();
  auto d = std::make_shared<deliveries>();
  d->count.assign(s.broadcasts, 0);
  d->last_hop.assign(s.broadcasts, 0);
  observe(cluster, survivors, [d](const event& e) { count_delivery(*d, e); });
  auto payload0 =
      sum_over(cluster, failed, [](const counters& c) { return c.update_msgs; });
  auto control0 = control();
  size_t rounds = 0;
  if (healed(cluster, failed))
    r.heal_rounds = 0;
  for (size_t b = 0; b < s.broadcasts; ++b) {
    auto origin = survivors[rng() % survivors.size()];
    tell(cluster, origin,
         caf::make_message(broadcast_atom::value, std::string{"b"} + std::to_string(b)));
    cluster.settle();
    cluster.run_round();
    ++rounds;
    if (r.heal_rounds < 0 && healed(cluster, failed))
      r.heal_rounds = static_cast<long>(rounds);
    if (progress)
      progress({s.stabilise + b + 1, static_cast<double>(d->count[b]) /
                                         static_cast<double>(survivors.size())});
  }
  // Late repairs (GRAFTs) of the last broadcasts.
  for (size_t extra = 0; extra < 20 && pending(cluster, failed) > 0; ++extra) {
    cluster.run_round();
    ++rounds;
  }
  cluster.settle();
  r.run_ms = ms_since(t1);
  // The papers' measures.
  double reliable = 0, hops = 0, deliveries_but_first = 0;
  for (size_t b = 0; b < s.broadcasts; ++b) {
    auto got = static_cast<double>(d->count[b]);
    r.reliabilities.push_back(got / static_cast<double>(survivors.size()));
    reliable += r.reliabilities.back();
    hops += d->last_hop[b];
    deliveries_but_first += std::max(0.0, got - 1);
  }
  auto payload =
      sum_over(cluster, failed, [](const counters& c) { return c.update_msgs; }) -
      payload0;
  auto n_b = static_cast<double>(std::max<size_t>(1, s.broadcasts));
  r.reliability = reliable / n_b;
  r.ldh = hops / n_b;
  r.rmr = deliveries_but_first > 0
              ? static_cast<double>(payload) / deliveries_but_first - 1
              : 0;
  auto upkeep_after = control() - control0;
  r.control_per_node_round =
      (static_cast<double>(upkeep) + static_cast<double>(upkeep_after)) /
      (static_cast<double>(s.nodes) * static_cast<double>(s.stabilise + 1) +
       static_cast<double>(survivors.size()) * static_cast<double>(rounds));
  r.rounds = s.stabilise + 1 + rounds;
  r.traffic = static_cast<double>(payload) / static_cast<double>(r.survivors);
  r.residue = 1 - r.reliability;
  return r;
}

} // namespace

result run_broadcasts(const settings& s, uint64_t run_index,
                      const std::function<void(const progress_info&)>& progress) {
  if (!subscribed(s.protocol, "plumtree") && !subscribed(s.protocol, "probabilistic"))
    throw std::invalid_argument("--broadcasts needs a broadcast protocol: plumtree or "
                                "probabilistic");
  if (!(s.fail >= 0 && s.fail < 1))
    throw std::invalid_argument("--fail must be at least 0 and below 1");
  auto seed = derive_seed(s.seed, run_index);
  rng_type rng{seed};
  world_options opts;
  opts.nodes = s.nodes;
  opts.protocol = protocols_of(s);
  opts.protocol_params = s.protocol_params;
  // Flooding, the baseline: every new rumor goes at once to every neighbour
  // (a HyParView active view holds 5 at N = 10,000, the paper's log10 N + 1).
  opts.protocol_params.set_default("probabilistic.fanout", "5");
  opts.protocol_params.set_default("probabilistic.defer", "false");
  // HyParView as in the paper: no mixing (it heals partitions, which this
  // experiment has none of, and after failures it churns the trees).
  opts.protocol_params.set_default("hyparview.mix-every", "0");
  // And its shuffle every cycle (the protocol's default, every 10 rounds,
  // spares real nodes' CPU).
  opts.protocol_params.set_default("hyparview.shuffle-every", "1");
  opts.seed = seed;
  opts.synchronous = s.synchronous;
  opts.loss = s.loss;
  return on_runtime(
      s, opts, [&](local_cluster& c) { return broadcasts(c, s, rng, progress); },
      [&](world& w) { return broadcasts(w, s, rng, progress); });
}

} // namespace gossip::sim
