// A node's numbers as Prometheus metric families: names, help and labels in
// one place (the README lists them).
#pragma once

#include <prometheus/metric_family.h>

#include <optional>
#include <string>
#include <vector>

#include "gossip/counters.hpp"
#include "gossip/guard.hpp"
#include "gossip/membership.hpp"
#include "gossip/metrics.hpp"

namespace gossip {

/// What one scrape read; a part the node did not answer in time is absent
/// (and so are its families).
struct scrape {
  std::string node;
  std::optional<counters> stats;
  std::optional<std::vector<member_update>> members;
  std::optional<node_gauges> gauges;
  std::optional<guard::counts> connections;
};

std::vector<prometheus::MetricFamily> families(const scrape& s);

} // namespace gossip
