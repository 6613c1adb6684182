#include "chaos_schedule.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "gossip/rng.hpp"

namespace gossip::chaos {

namespace {

struct planner {
  const shape& s;
  rng_type rng;
  std::vector<step> steps;
  int64_t partition_until = 0;
  std::vector<int64_t> node_until;                // one fault per node at a time
  std::vector<std::pair<int64_t, int64_t>> downs; // pauses and kills: [from, to)

  planner(const shape& sh, uint64_t seed) : s(sh), rng(seed), node_until(sh.nodes, 0) {}

  int64_t between(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(uniform_index(rng, static_cast<size_t>(hi - lo + 1)));
  }

  std::vector<size_t> free_nodes(int64_t t) const {
    std::vector<size_t> result;
    for (size_t i = 0; i < s.nodes; ++i)
      if (node_until[i] <= t)
        result.push_back(i);
    return result;
  }

  // Intervals start in time order, so the most that overlap anywhere is the
  // most that overlap at some start: checking at each start bounds them all.
  size_t down_at(int64_t t) const {
    return static_cast<size_t>(std::count_if(downs.begin(), downs.end(), [t](auto& d) {
      return d.first <= t && t < d.second;
    }));
  }

  void add(int64_t at, step_kind kind, size_t node) {
    step x;
    x.at_ms = at;
    x.kind = kind;
    x.node = node;
    steps.push_back(std::move(x));
  }

  void partition(int64_t t, int64_t end) {
    std::vector<size_t> order(s.nodes);
    std::iota(order.begin(), order.end(), size_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    auto cut = static_cast<size_t>(between(1, static_cast<int64_t>(s.nodes) - 1));
    std::vector<size_t> a(order.begin(), order.begin() + static_cast<long>(cut));
    std::vector<size_t> b(order.begin() + static_cast<long>(cut), order.end());
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    step x;
    x.at_ms = t;
    x.kind = step_kind::partition;
    x.groups = {a, b};
    steps.push_back(std::move(x));
    add(end, step_kind::heal, 0);
    partition_until = end;
  }

  void node_fault(step_kind kind, int64_t t, int64_t end, size_t node) {
    add(t, kind, node);
    if (kind == step_kind::degrade) {
      steps.back().loss = static_cast<double>(between(10, 60)) / 100.0;
      steps.back().delay_rounds = static_cast<uint64_t>(between(0, 3));
    }
    auto until = kind == step_kind::pause  ? step_kind::resume
                 : kind == step_kind::kill ? step_kind::restart
                                           : step_kind::restore;
    add(end, until, node);
    node_until[node] = end;
    if (kind != step_kind::degrade)
      downs.emplace_back(t, end);
  }

  // One fault starting at t, if any fits.
  void one_at(int64_t t) {
    auto nodes = free_nodes(t);
    std::vector<step_kind> options;
    if (partition_until <= t)
      options.push_back(step_kind::partition);
    if (!nodes.empty() && down_at(t) < s.max_down) {
      options.push_back(step_kind::pause);
      options.push_back(step_kind::kill);
    }
    if (!nodes.empty() && s.degrade)
      options.push_back(step_kind::degrade);
    if (options.empty())
      return;
    auto kind = options[uniform_index(rng, options.size())];
    auto length = kind == step_kind::pause  ? between(500, 6000)
                  : kind == step_kind::kill ? between(1000, 4000)
                                            : between(2000, 6000);
    auto end = std::min(t + length, s.duration_ms);
    if (kind == step_kind::partition)
      partition(t, end);
    else
      node_fault(kind, t, end, nodes[uniform_index(rng, nodes.size())]);
  }
};

const char* kind_name(step_kind k) {
  switch (k) {
  case step_kind::partition:
    return "partition";
  case step_kind::heal:
    return "heal";
  case step_kind::pause:
    return "pause";
  case step_kind::resume:
    return "resume";
  case step_kind::kill:
    return "kill";
  case step_kind::restart:
    return "restart";
  case step_kind::degrade:
    return "degrade";
  case step_kind::restore:
    return "restore";
  }
  return "?";
}

std::string names(const std::vector<size_t>& xs) {
  std::string result;
  for (auto i : xs)
    result += (result.empty() ? "" : ",") + node_name(i);
  return result;
}

} // namespace

std::vector<step> make_schedule(uint64_t seed, const shape& s) {
  planner p{s, seed};
  if (s.nodes < 2)
    return {};
  // The last fault starts 3 s before the end, so that it lasts a while.
  for (int64_t t = p.between(500, 1500); t < s.duration_ms - 3000;
       t += p.between(800, 2000))
    p.one_at(t);
  std::stable_sort(p.steps.begin(), p.steps.end(),
                   [](const step& a, const step& b) { return a.at_ms < b.at_ms; });
  return std::move(p.steps);
}

std::string node_name(size_t i) {
  return "n" + std::to_string(i + 1);
}

std::string to_string(const step& s) {
  char t[32];
  std::snprintf(t, sizeof(t), "t=%.1fs ", static_cast<double>(s.at_ms) / 1000.0);
  std::string result = t;
  result += kind_name(s.kind);
  if (s.kind == step_kind::partition) {
    for (size_t g = 0; g < s.groups.size(); ++g)
      result += (g == 0 ? " " : " | ") + names(s.groups[g]);
  } else if (s.kind != step_kind::heal) {
    result += " " + node_name(s.node);
  }
  if (s.kind == step_kind::degrade) {
    char extra[64];
    std::snprintf(extra, sizeof(extra), " loss=%.2f delay=%llu rounds", s.loss,
                  static_cast<unsigned long long>(s.delay_rounds));
    result += extra;
  }
  return result;
}

} // namespace gossip::chaos
