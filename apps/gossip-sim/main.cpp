// gossip-sim: N node actors in one process, round-synchronised under CAF's
// deterministic scheduler, measuring any protocol the way the papers do.
// Same --seed, same numbers.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "gossip/registry.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "plot.hpp"
#include "sim.hpp"

namespace {

using namespace gossip;

const std::vector<cli::option> sim_options{
    {"protocol", "NAMES",
     "protocol(s), e.g. push-pull or rumor,anti-entropy (default push-pull)"},
    {"nodes", "N", "nodes (default 1000)"},
    {"runs", "R", "repetitions (default 1)"},
    {"seed", "N", "seed of the first run; run i uses a seed derived from it (default 1)"},
    {"format", "FORMAT", "table or json (default table)"},
    {"plot", "FILE.svg",
     "fraction informed (push-sum: max error, log) per round, each run"},
    {"max-rounds", "N", "stop a run after this many rounds (default 200)"},
    {"sampler", "NAME", "uniform, ring, round-robin or zone (default uniform)"},
    {"loss", "P", "each message is lost with probability P (default 0)"},
    {"delay", "N", "messages arrive N rounds late (default 0)"},
    {"crash", "P", "a fraction P of the nodes crash (default 0) ..."},
    {"crash-round", "N", "... at round N (default 1)"},
    {"zones", "N", "zone sampler: N zones, node i in zone i mod N"},
    {"local", "P", "zone sampler: share of contacts in the own zone (default 0.8)"},
    {"subscribers", "P",
     "directed: fraction of nodes subscribed to the topic (default 0.1)"},
};

std::vector<cli::option> all_options() {
  return sim_options + cli::protocol_options();
}

const char* sim_keys[] = {"protocol", "nodes",       "runs",    "seed",  "format",
                          "plot",     "max-rounds",  "sampler", "loss",  "delay",
                          "crash",    "crash-round", "zones",   "local", "subscribers"};

double mean(const std::vector<double>& xs) {
  double s = 0;
  for (auto x : xs)
    s += x;
  return xs.empty() ? 0 : s / static_cast<double>(xs.size());
}

double stddev(const std::vector<double>& xs) {
  if (xs.size() < 2)
    return 0;
  auto m = mean(xs);
  double s = 0;
  for (auto x : xs)
    s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(xs.size() - 1));
}

// One run as JSON, numbers to 10 significant digits.
std::string json(const sim::result& r, uint64_t run) {
  auto x = [](double v) { return cli::significant(v, 10); };
  cli::json j{{"run", run},
              {"nodes", r.nodes},
              {"rounds", r.rounds},
              {"residue", x(r.residue)},
              {"traffic", x(r.traffic)},
              {"t_ave", x(r.t_ave)},
              {"t_last", x(r.t_last)},
              {"bytes_per_node", x(r.bytes_per_node)}};
  if (r.non_subscribers_reached >= 0)
    j["non_subscribers_reached"] = x(r.non_subscribers_reached);
  if (!r.max_rel_error.empty()) {
    auto& errors = j["max_rel_error"] = cli::json::array();
    for (auto e : r.max_rel_error)
      errors.push_back(x(e));
  }
  j["spawn_ms"] = x(r.spawn_ms);
  j["run_ms"] = x(r.run_ms);
  j["rss_kib_per_node"] = x(r.rss_kib_per_node);
  return cli::json_line(std::move(j));
}

void table_header() {
  std::cout << std::left << std::setw(5) << "run" << std::right << std::setw(9) << "nodes"
            << std::setw(8) << "rounds" << std::setw(11) << "residue" << std::setw(10)
            << "traffic" << std::setw(8) << "t_ave" << std::setw(8) << "t_last"
            << std::setw(12) << "bytes/node" << std::setw(13) << "final error"
            << "\n";
}

void table_row(const std::string& label, const sim::result& r) {
  std::cout << std::left << std::setw(5) << label << std::right << std::fixed
            << std::setprecision(0) << std::setw(9) << static_cast<double>(r.nodes)
            << std::setw(8) << static_cast<double>(r.rounds) << std::setprecision(6)
            << std::setw(11) << r.residue << std::setprecision(2) << std::setw(10)
            << r.traffic << std::setw(8) << r.t_ave << std::setw(8) << r.t_last
            << std::setprecision(0) << std::setw(12) << r.bytes_per_node << std::setw(13)
            << std::scientific << std::setprecision(1)
            << (r.max_rel_error.empty() ? 0.0 : r.max_rel_error.back())
            << std::defaultfloat << "\n";
}

} // namespace

int main(int argc, char** argv) {
  sim::settings s;
  uint64_t runs = 1;
  bool as_json = false;
  std::string plot_path;
  try {
    auto args = cli::parse(argc, argv, 1, all_options());
    if (args.help) {
      cli::print_help(std::cout,
                      "usage: gossip-sim [options]\n\nProtocols: " + protocol_names(),
                      all_options());
      return 0;
    }
    if (!args.positional.empty())
      throw std::invalid_argument("unexpected argument '" + args.positional[0] + "'");
    auto& ps = args.values;
    s.protocol = ps.get_string("protocol", "push-pull");
    s.nodes = ps.get_uint("nodes", 1000);
    if (s.nodes < 2 || s.nodes > 2000000)
      throw std::invalid_argument("--nodes must be between 2 and 2000000");
    runs = ps.get_uint("runs", 1);
    if (runs == 0)
      throw std::invalid_argument("--runs must be at least 1");
    s.seed = ps.get_uint("seed", 1);
    auto format = ps.get_string("format", "table");
    if (format != "table" && format != "json")
      throw std::invalid_argument("invalid value '" + format +
                                  "' for --format: table or json");
    as_json = format == "json";
    plot_path = ps.get_string("plot", "");
    s.max_rounds = ps.get_uint("max-rounds", 200);
    s.sampler = ps.get_string("sampler", "uniform");
    s.loss = ps.get_double("loss", 0);
    if (s.loss < 0 || s.loss > 1)
      throw std::invalid_argument("--loss must be between 0 and 1");
    s.delay = ps.get_uint("delay", 0);
    s.crash = ps.get_double("crash", 0);
    s.crash_round = ps.get_uint("crash-round", 1);
    s.zones = ps.get_uint("zones", 0);
    s.zone_local = ps.get_double("local", 0.8);
    s.subscribers = ps.get_double("subscribers", 0.1);
    for (auto& [k, v] : ps.items())
      if (std::find(std::begin(sim_keys), std::end(sim_keys), k) == std::end(sim_keys))
        s.protocol_params.set(k, v);
    make_protocols(s.protocol, s.protocol_params); // validates names and parameters
    cli::reject_unused(s.protocol_params);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-sim: error: " << e.what() << "\n";
    return 2;
  }
  std::vector<sim::result> results;
  if (!as_json)
    table_header();
  for (uint64_t run = 0; run < runs; ++run) {
    // A progress bar over runs, with the current run's round.
    auto progress = [&](size_t round) {
      if (s.nodes < 10000 && runs < 20)
        return;
      auto done = static_cast<size_t>(30.0 * static_cast<double>(run) /
                                      static_cast<double>(runs));
      std::cerr << "\r[" << std::string(done, '#') << std::string(30 - done, '.')
                << "] run " << run + 1 << "/" << runs << ", round " << round << "   "
                << std::flush;
    };
    sim::result r;
    try {
      r = sim::run(s, run, progress);
    } catch (const std::exception& e) {
      std::cerr << "\ngossip-sim: error: " << e.what() << "\n";
      return 2;
    }
    if (as_json)
      std::cout << json(r, run) << std::endl;
    else
      table_row(std::to_string(run), r);
    results.push_back(std::move(r));
  }
  if (s.nodes >= 10000 || runs >= 20)
    std::cerr << "\r" << std::string(64, ' ') << "\r";
  // Summary: mean and standard deviation over runs.
  auto field = [&](double sim::result::*f) {
    std::vector<double> xs;
    for (auto& r : results)
      xs.push_back(r.*f);
    return std::make_pair(mean(xs), stddev(xs));
  };
  std::vector<double> rounds;
  for (auto& r : results)
    rounds.push_back(static_cast<double>(r.rounds));
  auto [res_m, res_s] = field(&sim::result::residue);
  auto [tr_m, tr_s] = field(&sim::result::traffic);
  auto [ta_m, ta_s] = field(&sim::result::t_ave);
  auto [tl_m, tl_s] = field(&sim::result::t_last);
  std::ostringstream summary;
  summary << std::setprecision(4);
  auto x = [](double v) { return cli::significant(v, 4); };
  if (as_json)
    summary << cli::json_line({{"summary", true},
                               {"runs", runs},
                               {"nodes", s.nodes},
                               {"rounds_mean", x(mean(rounds))},
                               {"rounds_sd", x(stddev(rounds))},
                               {"residue_mean", x(res_m)},
                               {"residue_sd", x(res_s)},
                               {"traffic_mean", x(tr_m)},
                               {"traffic_sd", x(tr_s)},
                               {"t_ave_mean", x(ta_m)},
                               {"t_ave_sd", x(ta_s)},
                               {"t_last_mean", x(tl_m)},
                               {"t_last_sd", x(tl_s)}});
  else
    summary << "mean ± sd over " << runs << " runs: rounds " << mean(rounds) << " ± "
            << stddev(rounds) << ", residue " << res_m << " ± " << res_s << ", traffic "
            << tr_m << " ± " << tr_s << ", t_ave " << ta_m << " ± " << ta_s << ", t_last "
            << tl_m << " ± " << tl_s;
  std::cout << summary.str() << std::endl;
  if (!plot_path.empty()) {
    sim::plot_spec p;
    bool aggregate = !results.front().max_rel_error.empty();
    p.title = s.protocol + ", " + std::to_string(s.nodes) + " nodes, " +
              std::to_string(runs) + " run(s)";
    p.x_label = "round";
    p.y_label = aggregate ? "max relative error of the estimates" : "fraction informed";
    p.log_y = aggregate;
    for (auto& r : results)
      p.series.push_back(aggregate ? r.max_rel_error : r.informed);
    try {
      sim::write_svg(p, plot_path);
    } catch (const std::exception& e) {
      std::cerr << "gossip-sim: error: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}
