// gossip-sim: N node actors in one process, round-synchronised under CAF's
// deterministic scheduler, measuring any protocol the way the papers do.
// Same --seed, same numbers.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "broadcast_report.hpp"
#include "cli.hpp"
#include "gossip/directed.hpp"
#include "gossip/registry.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "overlay.hpp"
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
    {"rounds", "MODE",
     "sync: the papers' synchronous rounds (default); async: what a node receives "
     "takes effect at once, within the round"},
    {"runtime", "NAME",
     "direct: gossip-sim's own single-threaded runtime (default); actors: the node "
     "actors under CAF's deterministic scheduler (slower; the same seed gives the "
     "same output)"},
    {"sampler", "NAME", "uniform, ring, round-robin or zone (default uniform)"},
    {"loss", "P", "each message is lost with probability P (default 0)"},
    {"delay", "N", "messages arrive N rounds late (default 0)"},
    {"crash", "P", "a fraction P of the nodes crash (default 0) ..."},
    {"crash-round", "N", "... at round N (default 1)"},
    {"zones", "N", "zone sampler: N zones, node i in zone i mod N"},
    {"local", "P", "zone sampler: share of contacts in the own zone (default 0.8)"},
    {"subscribers", "P",
     "directed: fraction of nodes subscribed to the topic (default 0.1)"},
    {"overlay", "NAME",
     "full (every node knows every node, default) or hyparview (partial views: "
     "nodes join one by one, then stabilise)"},
    {"join", "HOW",
     "hyparview: one-by-one (the papers, default) or at-once: every node through "
     "node 0 before the first round, as a cluster starts with one seed"},
    {"stabilise", "N",
     "hyparview: rounds after the joins before anything else (default 50)"},
    {"broadcasts", "N",
     "the broadcast experiment: after stabilising, --fail of the nodes fail at once, "
     "then N broadcasts, one per round (plumtree or probabilistic)"},
    {"fail", "P[,P...]", "fraction(s) of the nodes that fail at once (default 0)"},
    {"compare", "OVERLAY:PROTOCOL,...",
     "broadcasts: more configurations on the same seeds, e.g. full:probabilistic"},
};

std::vector<cli::option> all_options() {
  return sim_options + cli::protocol_options();
}

const char* sim_keys[] = {
    "protocol",   "nodes",   "runs",        "seed",    "format",  "plot",
    "max-rounds", "sampler", "loss",        "delay",   "crash",   "crash-round",
    "zones",      "local",   "subscribers", "rounds",  "overlay", "stabilise",
    "broadcasts", "fail",    "compare",     "runtime", "join"};

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

std::string progress_line(uint64_t run, uint64_t runs, const sim::progress_info& at) {
  double within = at.error < 0   ? at.informed
                  : at.error > 0 ? std::log10(at.error) / std::log10(1e-13)
                                 : 1.0;
  within = std::min(1.0, std::max(0.0, within));
  auto done = static_cast<size_t>(30.0 * (static_cast<double>(run) + within) /
                                  static_cast<double>(runs));
  std::ostringstream o;
  o << "[" << std::string(done, '#') << std::string(30 - done, '.') << "] run " << run + 1
    << "/" << runs << ", round " << at.round;
  if (at.error < 0)
    o << ", informed " << std::fixed << std::setprecision(4) << at.informed;
  else
    o << ", error " << std::scientific << std::setprecision(1) << at.error;
  o << "    ";
  return o.str();
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

std::vector<double> parse_fails(const params& ps) {
  std::vector<double> fails;
  for (auto& text : ps.get_list("fail")) {
    params one{{"fail", text}};
    auto f = one.get_double("fail", 0);
    if (!(f >= 0 && f < 1))
      throw std::invalid_argument("--fail must be at least 0 and below 1");
    fails.push_back(f);
  }
  if (fails.empty())
    fails.push_back(0);
  return fails;
}

// The configuration given by --overlay and --protocol, then --compare's.
std::vector<std::pair<std::string, std::string>> parse_configs(const params& ps,
                                                               const sim::settings& s) {
  std::vector<std::pair<std::string, std::string>> configs{{s.overlay, s.protocol}};
  for (auto& item : ps.get_list("compare")) {
    auto colon = item.find(':');
    auto overlay = item.substr(0, colon);
    if (colon == std::string::npos || (overlay != "full" && overlay != "hyparview") ||
        colon + 1 == item.size())
      throw std::invalid_argument("invalid value '" + item +
                                  "' for --compare: OVERLAY:PROTOCOL, the overlay full "
                                  "or hyparview");
    configs.emplace_back(overlay, item.substr(colon + 1));
  }
  if (configs.size() > 1 && s.broadcasts == 0)
    throw std::invalid_argument("--compare needs --broadcasts");
  return configs;
}

// The broadcast experiment: every failure fraction, every configuration,
// every run (run i of each on the same seed).
int broadcast_main(sim::settings s, const std::vector<double>& fails,
                   const std::vector<std::pair<std::string, std::string>>& configs,
                   uint64_t runs, bool as_json, const std::string& plot_path) {
  std::vector<sim::broadcast_group> groups;
  if (!as_json)
    sim::broadcast_table_header();
  size_t done = 0, total = fails.size() * configs.size() * runs;
  for (auto f : fails)
    for (auto& [overlay, protocol] : configs) {
      auto c = s;
      c.fail = f;
      c.overlay = overlay;
      c.protocol = protocol;
      sim::broadcast_group g{overlay, protocol, f, {}};
      for (uint64_t run = 0; run < runs; ++run, ++done) {
        auto progress = [&](const sim::progress_info& at) {
          if (c.nodes < 10000 && total < 20)
            return;
          std::cerr << "\r" << progress_line(done, total, at) << std::flush;
        };
        try {
          g.runs.push_back(sim::run(c, run, progress));
        } catch (const std::exception& e) {
          std::cerr << "\ngossip-sim: error: " << e.what() << "\n";
          return 2;
        }
        if (c.nodes >= 10000 || total >= 20)
          std::cerr << "\r" << std::string(80, ' ') << "\r";
        if (as_json)
          std::cout << sim::broadcast_json(g.runs.back(), run) << std::endl;
        else
          sim::broadcast_table_row(run, g.runs.back());
      }
      groups.push_back(std::move(g));
    }
  for (auto& g : groups)
    std::cout << sim::broadcast_summary(g, as_json) << std::endl;
  if (!plot_path.empty()) {
    try {
      sim::broadcast_plot(groups, s.nodes, plot_path);
    } catch (const std::exception& e) {
      std::cerr << "gossip-sim: error: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  sim::settings s;
  std::vector<double> fails;
  std::vector<std::pair<std::string, std::string>> configs; // overlay, protocol
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
    auto rounds = ps.get_string("rounds", "sync");
    if (rounds != "sync" && rounds != "async")
      throw std::invalid_argument("invalid value '" + rounds +
                                  "' for --rounds: sync or async");
    s.synchronous = rounds == "sync";
    s.runtime = ps.get_string("runtime", "direct");
    if (s.runtime != "direct" && s.runtime != "actors")
      throw std::invalid_argument("invalid value '" + s.runtime +
                                  "' for --runtime: direct or actors");
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
    s.overlay = ps.get_string("overlay", "full");
    if (s.overlay != "full" && s.overlay != "hyparview")
      throw std::invalid_argument("invalid value '" + s.overlay +
                                  "' for --overlay: full or hyparview");
    s.join = ps.get_string("join", "one-by-one");
    if (s.join != "one-by-one" && s.join != "at-once")
      throw std::invalid_argument("invalid value '" + s.join +
                                  "' for --join: one-by-one or at-once");
    s.stabilise = ps.get_uint("stabilise", 50);
    s.broadcasts = ps.get_uint("broadcasts", 0);
    if (s.broadcasts > 100000)
      throw std::invalid_argument("--broadcasts must be at most 100000");
    fails = parse_fails(ps);
    if (s.broadcasts == 0 && (fails.size() > 1 || fails.front() > 0))
      throw std::invalid_argument("--fail needs --broadcasts (epidemics take --crash)");
    configs = parse_configs(ps, s);
    for (auto& [k, v] : ps.items())
      if (std::find(std::begin(sim_keys), std::end(sim_keys), k) == std::end(sim_keys))
        s.protocol_params.set(k, v);
    for (auto& [overlay, protocol] : configs) { // validates names and parameters
      auto c = s;
      c.overlay = overlay;
      c.protocol = protocol;
      if (c.broadcasts > 0 && !subscribed(protocol, "plumtree") &&
          !subscribed(protocol, "probabilistic"))
        throw std::invalid_argument("--broadcasts needs a broadcast protocol: plumtree "
                                    "or probabilistic, not '" +
                                    protocol + "'");
      make_protocols(protocols_of(c), s.protocol_params);
    }
    cli::reject_unused(s.protocol_params);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-sim: error: " << e.what() << "\n";
    return 2;
  }
  if (s.broadcasts > 0)
    return broadcast_main(s, fails, configs, runs, as_json, plot_path);
  s.fail = fails.front();
  std::vector<sim::result> results;
  if (!as_json)
    table_header();
  for (uint64_t run = 0; run < runs; ++run) {
    // A progress bar over runs, filled within a run too: by the fraction
    // informed (push-sum: by the error's way down to 1e-13, on a log scale).
    auto progress = [&](const sim::progress_info& at) {
      if (s.nodes < 10000 && runs < 20)
        return;
      std::cerr << "\r" << progress_line(run, runs, at) << std::flush;
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
    std::cerr << "\r" << std::string(80, ' ') << "\r";
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
