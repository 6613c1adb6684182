#include "sim.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <unordered_map>

#include "gossip/counters.hpp"
#include "gossip/directed.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/rumor.hpp"
#include "overlay.hpp"
#include "runtime.hpp"
#include "timing.hpp"

namespace gossip::sim {

namespace {

bool has(const std::string& list, const std::string& name) {
  return subscribed(list, name); // comma-separated membership test
}

// What kind of update a protocol spreads.
enum class update_kind { store, rumor, topic, aggregate };

update_kind kind_of(const std::string& protocols) {
  if (has(protocols, "push-sum"))
    return update_kind::aggregate;
  if (has(protocols, "directed"))
    return update_kind::topic;
  if (has(protocols, "probabilistic") || has(protocols, "plumtree"))
    return update_kind::rumor;
  return update_kind::store;
}

// What a run decides before any node exists: the origin, push-sum's values,
// directed gossip's subscribers.
struct plan {
  update_kind kind;
  rng_type rng;
  size_t origin;
  std::vector<double> values;
  std::vector<bool> subscriber;
};

// The run itself, on either runtime (runtime.hpp).
template <class Cluster>
result epidemic(Cluster& cluster, const settings& s, plan& pl,
                const std::function<void(const progress_info&)>& progress) {
  auto kind = pl.kind;
  auto& rng = pl.rng;
  auto origin = pl.origin;
  auto& values = pl.values;
  auto& subscriber = pl.subscriber;
  result r;
  r.nodes = s.nodes;
  auto t1 = clock_type::now();
  join_overlay(cluster, s, rng);
  uint64_t stabilised = s.overlay == "full" ? 0 : s.stabilise;
  for (size_t round = 0; round < stabilised; ++round)
    cluster.run_round();
  // Crashes: a fraction of the nodes (never the origin) at a given round.
  // Values for push-sum are read from labels; the exact mean is the target.
  double truth = 0;
  for (auto v : values)
    truth += v;
  auto aggregate = s.protocol_params.get_string("aggregate", "average");
  truth = aggregate == "sum"     ? truth
          : aggregate == "count" ? static_cast<double>(s.nodes)
                                 : truth / static_cast<double>(s.nodes);
  switch (kind) {
  case update_kind::store:
    cluster.put(origin, "update", "hello");
    break;
  case update_kind::rumor:
    tell(cluster, origin, caf::make_message(broadcast_atom::value, std::string{"hello"}));
    break;
  case update_kind::topic:
    tell(cluster, origin,
         caf::make_message(broadcast_atom::value, std::string{"news"},
                           std::string{"hello"}));
    break;
  case update_kind::aggregate:
    break;
  }
  cluster.settle();
  std::vector<bool> crashed(s.nodes, false);
  // A crashed node's state is gone: its counters as they were at the crash.
  std::unordered_map<size_t, counters> frozen;
  auto stats_of = [&](size_t i) {
    return crashed[i] ? &frozen[i] : cluster.peek(i).stats;
  };
  // Who can be informed at all: directed gossip targets subscribers only.
  size_t audience = s.nodes;
  if (kind == update_kind::topic) {
    audience = 0;
    for (auto b : subscriber)
      audience += b ? 1 : 0;
  }
  // Informed nodes (of the audience) and update messages so far, in one
  // pass over the nodes: at 100,000 nodes a pass is a cache miss per node.
  struct census_t {
    size_t informed = 0;
    uint64_t update_msgs = 0;
  };
  auto census = [&] {
    census_t c;
    for (size_t i = 0; i < s.nodes; ++i) {
      auto st = stats_of(i);
      c.update_msgs += st->update_msgs;
      if ((kind != update_kind::topic || subscriber[i]) && (i == origin || st->fresh > 0))
        ++c.informed;
    }
    return c;
  };
  auto pending = [&] {
    size_t n = 0;
    for (size_t i = 0; i < s.nodes; ++i)
      if (!crashed[i])
        for (auto& p : *cluster.peek(i).protocols)
          n += p->pending();
    return n;
  };
  auto max_error = [&] {
    double worst = 0;
    for (size_t i = 0; i < s.nodes; ++i) {
      if (crashed[i])
        continue;
      for (auto& p : *cluster.peek(i).protocols)
        if (auto st = push_sum_state_of(*p)) {
          auto e = std::fabs(st->estimate() - truth) / std::fabs(truth);
          worst = std::isnan(e) ? std::numeric_limits<double>::infinity()
                                : std::max(worst, e);
        }
    }
    return worst;
  };
  auto start = census();
  r.informed.push_back(static_cast<double>(start.informed) /
                       static_cast<double>(audience));
  // Epidemics that can die out by themselves; the others stop once complete.
  bool can_die = has(s.protocol, "rumor") || kind == update_kind::rumor ||
                 kind == update_kind::topic;
  uint64_t last_msgs = start.update_msgs;
  size_t full_at = 0;
  for (size_t round = 1; round <= s.max_rounds; ++round) {
    if (s.crash > 0 && round == s.crash_round) {
      for (size_t i = 0; i < s.nodes; ++i)
        if (i != origin && rng.uniform() < s.crash) {
          frozen[i] = *cluster.peek(i).stats;
          cluster.crash(i);
          crashed[i] = true;
        }
    }
    cluster.run_round();
    r.rounds = round;
    if (kind == update_kind::aggregate) {
      r.max_rel_error.push_back(max_error()); // from round 1: estimates exist then
      if (progress)
        progress({round, -1, r.max_rel_error.back()});
      if (r.max_rel_error.back() < 1e-13)
        break;
      continue;
    }
    auto now_seen = census();
    auto now = now_seen.informed;
    r.informed.push_back(static_cast<double>(now) / static_cast<double>(audience));
    if (progress)
      progress({round, r.informed.back(), -1});
    auto msgs = now_seen.update_msgs;
    // Died out: nothing carried an update this round and nobody has anything
    // left to spread.
    // (Only epidemics that can die are asked: a pass over all nodes costs.)
    bool quiet = can_die && msgs == last_msgs && pending() == 0;
    last_msgs = msgs;
    if (now == audience && full_at == 0)
      full_at = round;
    // Rumor mongering runs on until it dies (its traffic counts all of it);
    // everything else stops once all have it, or when nothing moves anymore.
    if (quiet || (full_at > 0 && !has(s.protocol, "rumor")))
      break;
  }
  if (full_at > 0)
    r.rounds = std::min(r.rounds, full_at);
  r.run_ms = ms_since(t1);
  // The papers' measures.
  size_t got = 0;
  double sum_t = 0, last_t = 0, bytes = 0;
  size_t non_subs = 0, non_subs_reached = 0;
  for (size_t i = 0; i < s.nodes; ++i) {
    auto st = stats_of(i);
    bytes += static_cast<double>(st->total.sent_bytes);
    if (kind == update_kind::topic && !subscriber[i]) {
      ++non_subs;
      non_subs_reached += st->total.recv_msgs > 0 ? 1 : 0;
      continue;
    }
    if (i != origin && st->fresh > 0) {
      // Rounds count from the update, not from the overlay's first round.
      auto t = static_cast<double>(st->first_fresh_round -
                                   std::min(st->first_fresh_round, stabilised));
      ++got;
      sum_t += t;
      last_t = std::max(last_t, t);
    }
  }
  if (kind == update_kind::topic && non_subs > 0)
    r.non_subscribers_reached =
        static_cast<double>(non_subs_reached) / static_cast<double>(non_subs);
  r.residue = kind == update_kind::aggregate
                  ? 0
                  : 1.0 - (static_cast<double>(got) + 1) / static_cast<double>(audience);
  r.traffic = static_cast<double>(census().update_msgs) / static_cast<double>(s.nodes);
  r.t_ave = got > 0 ? sum_t / static_cast<double>(got) : 0;
  r.t_last = last_t;
  r.bytes_per_node = bytes / static_cast<double>(s.nodes);
  return r;
}

} // namespace

result run(const settings& s, uint64_t run_index,
           const std::function<void(const progress_info&)>& progress) {
  if (s.nodes < 2)
    throw std::invalid_argument("--nodes must be at least 2");
  if (s.overlay != "full" && s.overlay != "hyparview")
    throw std::invalid_argument("unknown overlay '" + s.overlay +
                                "' (known: full, hyparview)");
  if (s.broadcasts > 0)
    return run_broadcasts(s, run_index, progress);
  auto seed = derive_seed(s.seed, run_index);
  plan pl{kind_of(s.protocol), rng_type{seed}, 0, {}, {}};
  auto& rng = pl.rng;
  pl.origin = std::uniform_int_distribution<size_t>{0, s.nodes - 1}(rng);
  pl.subscriber.assign(s.nodes, false);
  for (size_t i = 0; i < s.nodes; ++i) {
    pl.values.push_back(std::uniform_real_distribution<double>{0, 100}(rng));
    pl.subscriber[i] = i == pl.origin || rng.uniform() < s.subscribers;
  }
  auto kind = pl.kind;
  world_options opts;
  opts.nodes = s.nodes;
  opts.protocol = protocols_of(s);
  opts.protocol_params = s.protocol_params;
  // Rumors hop once per round here, as in the papers' synchronous model.
  if (!opts.protocol_params.has("defer"))
    opts.protocol_params.set("defer", "true");
  opts.seed = seed;
  opts.synchronous = s.synchronous;
  opts.sampler = s.sampler;
  opts.zone_local = s.zone_local;
  opts.loss = s.loss;
  opts.delay_rounds = s.delay;
  if (kind == update_kind::aggregate || kind == update_kind::topic || s.zones > 0)
    opts.labels_of = [&](size_t i) {
      std::map<std::string, std::string> ls;
      if (kind == update_kind::aggregate) {
        char buf[32]; // every digit: the truth below uses the same doubles
        std::snprintf(buf, sizeof(buf), "%.17g", pl.values[i]);
        ls["value"] = buf;
      }
      if (kind == update_kind::topic && pl.subscriber[i])
        ls["topics"] = "news";
      if (s.zones > 0)
        ls["zone"] = std::to_string(i % s.zones);
      return ls;
    };
  return on_runtime(
      s, opts, [&](local_cluster& c) { return epidemic(c, s, pl, progress); },
      [&](world& w) { return epidemic(w, s, pl, progress); });
}

} // namespace gossip::sim
