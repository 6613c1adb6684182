// gossip-bench --writes: what write levels cost and how long convergence
// takes. A client in this process (as gossip-ctl, through the connection
// guard) times each request to one node: puts at replicas 1, 2, majority and
// all, then writes each followed by a wait, whose lag is compared with when
// the last node stored the write (from the nodes' event streams).
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "../gossip-sim/plot.hpp"
#include "bench.hpp"
#include "gossip/address.hpp"
#include "gossip/atoms.hpp"
#include "gossip/guard.hpp"
#include "gossip/replicas.hpp"
#include "gossip/types.hpp"
#include "output.hpp"

namespace gossip::bench {

namespace {

using proc::process_cluster;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

struct stats {
  double median = -1, p99 = -1;
  size_t failed = 0;
  std::vector<double> values;
};

stats summary(const std::vector<double>& xs, size_t failed) {
  return stats{median(xs), percentile(xs, 99), failed, xs};
}

// The plot's line for one cluster: the lag at each percent of writes.
std::vector<double> by_percent(const std::vector<double>& xs) {
  std::vector<double> line;
  for (int p = 0; p <= 100; ++p)
    line.push_back(percentile(xs, std::max(p, 1)));
  return line;
}

class client {
public:
  client() : sys_(configure(cfg_)) {}
  ~client() { guard::stop(sys_); }

  caf::actor connect(const std::string& address) {
    auto hp = parse_host_port(address);
    guard::settings s;
    s.idle_timeout = std::chrono::hours{24};
    auto node = hp ? guard::dial(sys_, hp->host, hp->port, s)
                   : caf::expected<caf::actor>{caf::sec::invalid_argument};
    if (!node)
      throw std::runtime_error("cannot reach " + address + ": " +
                               sys_.render(node.error()));
    return *node;
  }

  // One request; its answer, or nothing on an error.
  template <class T, class... Ts>
  std::optional<T> ask(const caf::actor& node, Ts&&... xs) {
    std::optional<T> result;
    self_->request(node, 30s, std::forward<Ts>(xs)...)
        .receive([&](const T& x) { result = x; }, [](caf::error&) {});
    return result;
  }

private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    register_types(cfg);
    cfg.load<caf::io::middleman>();
    cfg.set("middleman.app-identifiers", std::vector<std::string>{"caf-gossip"});
    cfg.set("middleman.heartbeat-interval", caf::timespan{300ms});
    return cfg;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  caf::scoped_actor self_{sys_};
};

stats time_puts(client& cl, process_cluster& c, const caf::actor& node, uint32_t replicas,
                size_t puts) {
  std::vector<double> ms;
  size_t failed = 0;
  for (size_t i = 0; i < puts; ++i) {
    auto key = "w" + replicas_text(replicas) + "-" + std::to_string(i);
    auto t0 = clock_type::now();
    auto r = cl.ask<hold_report>(node, caf::put_atom::value, key, std::string(64, 'v'),
                                 write_level{replicas, 10000});
    auto took = ms_since(t0);
    if (r && r->ok())
      ms.push_back(took);
    else
      ++failed;
    // A pause, the nodes' event pipes drained meanwhile: each put meets a
    // cluster done with the last one (back to back, a put at N = 32 waited
    // for the last one's eager forwarding on 2 cores, 21 ms instead of 8).
    c.pump(20ms);
  }
  return summary(ms, failed);
}

// When every node had stored `key`, from their events; -1 if one did not.
double last_stored(process_cluster& c, const std::string& key, int64_t since) {
  int64_t last = -1;
  for (size_t i = 0; i < c.size(); ++i) {
    int64_t at = -1;
    for (auto& ev : c.events(i))
      if (ev.kind == event_kind::stored && ev.key == key)
        at = ev.time_ms;
    if (at < 0)
      return -1;
    last = std::max(last, at);
  }
  return static_cast<double>(last - since);
}

std::pair<stats, stats> time_waits(client& cl, process_cluster& c, const caf::actor& node,
                                   size_t writes) {
  std::vector<double> waited, stored;
  size_t failed = 0;
  for (size_t i = 0; i < writes; ++i) {
    auto key = "c" + std::to_string(i);
    auto since = process_cluster::now_ms();
    auto t0 = clock_type::now();
    auto v = cl.ask<uint64_t>(node, caf::put_atom::value, key, std::string(64, 'v'));
    auto r = v ? cl.ask<hold_report>(node, wait_atom::value, key, uint64_t{10000})
               : std::nullopt;
    auto took = ms_since(t0);
    if (!r || !r->ok()) {
      ++failed;
      continue;
    }
    waited.push_back(took);
    c.wait_until([&] { return last_stored(c, key, since) >= 0; }, 10s);
    stored.push_back(last_stored(c, key, since));
  }
  return {summary(waited, failed), summary(stored, 0)};
}

std::string cell(const stats& s) {
  char buf[64];
  auto digits = [](double x) { return x < 10 ? 1 : 0; };
  std::snprintf(buf, sizeof(buf), "%.*f / %.*f", digits(s.median), s.median,
                digits(s.p99), s.p99);
  return buf;
}

} // namespace

int write_levels(const std::vector<size_t>& sizes,
                 const std::vector<std::string>& protocols, size_t puts, size_t waits,
                 const std::string& plot_path,
                 const std::function<proc::cluster_spec(size_t)>& spec_of) {
  client cl;
  sim::plot_spec plot;
  plot.title = "From a put to every live member holding it (gossip-ctl wait)";
  plot.x_label = "percent of writes";
  plot.y_label = "ms until wait returned (log scale)";
  plot.log_y = true;
  std::ostringstream levels, lags;
  levels << "| N | protocol | replicas | put latency, median / p99 (ms) | failed |\n"
         << "|---|---|---|---|---|\n";
  lags << "| N | protocol | write to wait's return, median / p99 (ms) | write to "
          "last node stored, median / p99 (ms) |\n"
       << "|---|---|---|---|\n";
  for (auto& protocol : protocols) {
    for (auto n : sizes) {
      auto spec = spec_of(n);
      spec.node_args.push_back("--protocol=" + protocol);
      process_cluster c{spec};
      trial t;
      std::cerr << "N=" << n << " " << protocol << ": join" << std::flush;
      if (!start(c, t)) {
        std::cerr << " did not converge\n";
        return 1;
      }
      settle_down(c, 3000ms);
      auto node = cl.connect(c.address(1));
      for (auto replicas :
           {uint32_t{1}, uint32_t{2}, write_level::majority, write_level::all}) {
        std::cerr << ", replicas=" << replicas_text(replicas) << std::flush;
        auto s = time_puts(cl, c, node, replicas, puts);
        levels << "| " << n << " | " << protocol << " | " << replicas_text(replicas)
               << " | " << cell(s) << " | " << s.failed << " |\n";
        std::cout << cli::json_line({{"n", n},
                                     {"protocol", protocol},
                                     {"replicas", replicas_text(replicas)},
                                     {"put_median_ms", cli::significant(s.median, 6)},
                                     {"put_p99_ms", cli::significant(s.p99, 6)},
                                     {"failed", s.failed}})
                  << std::endl;
      }
      std::cerr << ", wait" << std::flush;
      auto [waited, stored] = time_waits(cl, c, node, waits);
      lags << "| " << n << " | " << protocol << " | " << cell(waited) << " | "
           << cell(stored) << " |\n";
      plot.series.push_back(by_percent(waited.values));
      plot.names.push_back("N=" + std::to_string(n) + ", " + protocol);
      std::cout << cli::json_line(
                       {{"n", n},
                        {"protocol", protocol},
                        {"wait_median_ms", cli::significant(waited.median, 6)},
                        {"wait_p99_ms", cli::significant(waited.p99, 6)},
                        {"stored_median_ms", cli::significant(stored.median, 6)},
                        {"stored_p99_ms", cli::significant(stored.p99, 6)},
                        {"failed", waited.failed}})
                << std::endl;
      std::cerr << "\n";
      c.stop_all();
    }
  }
  std::cout << "\n" << levels.str() << "\n" << lags.str();
  if (!plot_path.empty())
    sim::write_svg(plot, plot_path);
  return 0;
}

} // namespace gossip::bench
