#include "broadcast_report.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "output.hpp"
#include "plot.hpp"

namespace gossip::sim {

namespace {

template <class F> std::pair<double, double> mean_sd(const broadcast_group& g, F f) {
  double sum = 0;
  for (auto& r : g.runs)
    sum += f(r);
  auto n = static_cast<double>(g.runs.size());
  double m = n > 0 ? sum / n : 0, sq = 0;
  for (auto& r : g.runs)
    sq += (f(r) - m) * (f(r) - m);
  return {m, g.runs.size() > 1 ? std::sqrt(sq / (n - 1)) : 0};
}

std::string config_name(const broadcast_group& g) {
  return g.overlay + " + " + g.protocol;
}

std::string percent(double fail) {
  std::ostringstream o;
  o << fail * 100 << "%";
  return o.str();
}

} // namespace

std::string broadcast_json(const result& r, uint64_t run) {
  auto x = [](double v) { return cli::significant(v, 10); };
  cli::json j{{"run", run},
              {"nodes", r.nodes},
              {"overlay", r.overlay},
              {"protocol", r.protocol},
              {"fail", x(r.fail)},
              {"survivors", r.survivors},
              {"broadcasts", r.reliabilities.size()},
              {"reliability", x(r.reliability)},
              {"rmr", x(r.rmr)},
              {"ldh", x(r.ldh)}};
  if (r.heal_rounds >= 0)
    j["heal_rounds"] = r.heal_rounds;
  else
    j["heal_rounds"] = nullptr;
  j["control_per_node_round"] = x(r.control_per_node_round);
  auto& each = j["reliabilities"] = cli::json::array();
  for (auto v : r.reliabilities)
    each.push_back(x(v));
  j["spawn_ms"] = x(r.spawn_ms);
  j["run_ms"] = x(r.run_ms);
  j["rss_kib_per_node"] = x(r.rss_kib_per_node);
  return cli::json_line(std::move(j));
}

void broadcast_table_header() {
  std::cout << std::left << std::setw(5) << "run" << std::setw(28) << "overlay + protocol"
            << std::right << std::setw(8) << "nodes" << std::setw(7) << "fail"
            << std::setw(13) << "reliability" << std::setw(8) << "rmr" << std::setw(7)
            << "ldh" << std::setw(7) << "heal" << std::setw(10) << "control"
            << "\n";
}

void broadcast_table_row(uint64_t run, const result& r) {
  std::cout << std::left << std::setw(5) << run << std::setw(28)
            << (r.overlay + " + " + r.protocol) << std::right << std::setw(8) << r.nodes
            << std::fixed << std::setprecision(2) << std::setw(7) << r.fail
            << std::setprecision(4) << std::setw(13) << r.reliability
            << std::setprecision(2) << std::setw(8) << r.rmr << std::setw(7) << r.ldh
            << std::setw(7)
            << (r.heal_rounds >= 0 ? std::to_string(r.heal_rounds) : std::string{"-"})
            << std::setw(10) << r.control_per_node_round << std::defaultfloat << "\n";
}

std::string broadcast_summary(const broadcast_group& g, bool as_json) {
  auto [rel_m, rel_s] = mean_sd(g, [](const result& r) { return r.reliability; });
  auto [rmr_m, rmr_s] = mean_sd(g, [](const result& r) { return r.rmr; });
  auto [ldh_m, ldh_s] = mean_sd(g, [](const result& r) { return r.ldh; });
  auto x = [](double v) { return cli::significant(v, 4); };
  std::ostringstream o;
  if (as_json) {
    o << cli::json_line({{"summary", true},
                         {"overlay", g.overlay},
                         {"protocol", g.protocol},
                         {"fail", x(g.fail)},
                         {"runs", g.runs.size()},
                         {"reliability_mean", x(rel_m)},
                         {"reliability_sd", x(rel_s)},
                         {"rmr_mean", x(rmr_m)},
                         {"rmr_sd", x(rmr_s)},
                         {"ldh_mean", x(ldh_m)},
                         {"ldh_sd", x(ldh_s)}});
  } else {
    o << std::setprecision(4) << config_name(g) << ", fail " << percent(g.fail)
      << ": mean ± sd over " << g.runs.size() << " runs: reliability " << rel_m << " ± "
      << rel_s << ", rmr " << rmr_m << " ± " << rmr_s << ", ldh " << ldh_m << " ± "
      << ldh_s;
  }
  return o.str();
}

void broadcast_plot(const std::vector<broadcast_group>& groups, size_t nodes,
                    const std::string& path) {
  // Configurations in the order first seen; failure fractions likewise.
  std::vector<std::string> configs;
  std::vector<double> fails;
  for (auto& g : groups) {
    if (std::find(configs.begin(), configs.end(), config_name(g)) == configs.end())
      configs.push_back(config_name(g));
    if (std::find(fails.begin(), fails.end(), g.fail) == fails.end())
      fails.push_back(g.fail);
  }
  plot_spec p;
  p.names = configs;
  p.series.resize(configs.size());
  p.y_label = "reliability (fraction of survivors that delivered)";
  auto index = [&](const broadcast_group& g) {
    return static_cast<size_t>(std::find(configs.begin(), configs.end(), config_name(g)) -
                               configs.begin());
  };
  if (fails.size() > 1) {
    p.title = "Reliability after failures, " + std::to_string(nodes) + " nodes";
    p.x_label = "nodes failed at once";
    for (auto f : fails)
      p.x_names.push_back(percent(f));
    for (auto& s : p.series)
      s.assign(fails.size(), NAN);
    for (auto& g : groups) {
      auto f = static_cast<size_t>(std::find(fails.begin(), fails.end(), g.fail) -
                                   fails.begin());
      p.series[index(g)][f] =
          mean_sd(g, [](const result& r) { return r.reliability; }).first;
    }
  } else {
    p.title = "Each broadcast after " + percent(fails.front()) + " failed, " +
              std::to_string(nodes) + " nodes";
    p.x_label = "broadcast";
    for (auto& g : groups) {
      auto& s = p.series[index(g)];
      for (auto& r : g.runs) {
        s.resize(std::max(s.size(), r.reliabilities.size()), 0);
        for (size_t b = 0; b < r.reliabilities.size(); ++b)
          s[b] += r.reliabilities[b] / static_cast<double>(g.runs.size());
      }
    }
  }
  write_svg(p, path);
}

} // namespace gossip::sim
