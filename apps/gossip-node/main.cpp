// gossip-node: one gossip node per process, published through CAF's
// middleman, joining the cluster through seeds.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "advertise.hpp"
#include "caf_config.hpp"
#include "cli.hpp"
#include "gossip/address.hpp"
#include "gossip/atoms.hpp"
#include "gossip/data_dir.hpp"
#include "gossip/event.hpp"
#include "gossip/guard.hpp"
#include "gossip/node.hpp"
#include "gossip/presets.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"
#include "guard_options.hpp"
#include "metrics_endpoint.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "tls.hpp"

namespace {

using namespace gossip;
using namespace std::chrono_literals;

const std::vector<cli::option> node_options{
    {"name", "NAME", "unique node name (default node-<pid>)"},
    {"host", "HOST",
     "address to listen on (default 127.0.0.1; :: or 0.0.0.0: every one)"},
    {"advertise", "HOST[:PORT]",
     "address members are told to reach this node at (default: --host and the "
     "bound port)"},
    {"port", "PORT", "TCP port; 0 picks a free one and prints it (default 0)"},
    {"protocol", "NAMES", "dissemination protocols (default push-pull,probabilistic)"},
    {"preset", "NAME",
     "defaults: lan (default: 500ms rounds, eager forwarding), wan or local "
     "(the protocols' own); any option given wins"},
    {"interval", "DURATION", "round length (lan: 500ms, wan: 1s, local: 1s)"},
    {"jitter", "X", "rounds start after interval * (1 +- X) (default 0.1)"},
    {"seed", "N", "random seed (default: from the pid)"},
    {"meta", "K=V,...", "labels gossiped with this member, e.g. zone=a,role=db"},
    {"events", "FORMAT", "print events on stdout: json or text (default text)"},
    {"config", "FILE",
     "CAF config file: [gossip] takes these options, other sections go to CAF"},
    {"threads", "N", "scheduler threads (default 1)"},
    {"data-dir", "DIR",
     "keep the store, clock, incarnation and last known members in DIR/gossip.db "
     "(SQLite) and resume them on restart"},
    {"max-keys", "N",
     "store quota: keys held, deletes included; a put past it fails (default 10000000)"},
    {"max-bytes", "BYTES",
     "store quota: bytes of keys and values held (default 4294967296: 4 GiB)"},
    {"metrics", "HOST:PORT",
     "serve Prometheus metrics at http://HOST:PORT/metrics (port 0: a free one)"},
    {"fault-injection", "",
     "let gossip-ctl faults make this node lose and delay its sends (chaos tests only)"},
    {"help-params", "", "every protocol parameter and preset, as Markdown tables"},
};

std::vector<cli::option> all_options() {
  return node_options + cli::guard_options() + tls::node_options() +
         cli::protocol_options();
}

// CAF's config file: [gossip] holds our options (the CLI wins), the other
// sections are CAF's own (middleman, scheduler, openssl, ...).
void load_config_file(const std::string& path, params& ps, cli::caf_settings& caf) {
  std::ifstream probe{path};
  if (!probe)
    throw std::invalid_argument("cannot open config file '" + path + "'");
  auto parsed = caf::actor_system_config::parse_config_file(path.c_str());
  if (!parsed)
    throw std::invalid_argument("config file '" + path +
                                "': " + caf::to_string(parsed.error()));
  auto known = all_options();
  for (auto& [section, value] : *parsed) {
    auto dict = caf::get_if<caf::config_value::dictionary>(&value);
    if (!dict)
      throw std::invalid_argument("config file '" + path + "': '" + section +
                                  "' is not a [section]");
    for (auto& [key, v] : *dict) {
      if (section != "gossip") {
        caf.emplace_back(section + "." + key, v);
        continue;
      }
      if (std::none_of(known.begin(), known.end(),
                       [&](const cli::option& o) { return o.name == key; }) ||
          key == "config")
        throw std::invalid_argument("config file '" + path + "': unknown option '" + key +
                                    "' in [gossip]");
      if (ps.has(key))
        continue; // the command line wins
      auto s = caf::get_if<std::string>(&v);
      ps.set(key, s ? *s : caf::to_string(v));
    }
  }
}

// Prints the node's events on stdout, one line each.
caf::behavior printer(caf::event_based_actor*, bool json) {
  return {[json](const event& ev) {
    if (json)
      std::cout << to_json(ev) << std::endl;
    else if (ev.kind == event_kind::delivered || ev.kind == event_kind::stored)
      std::cout << "[" << ev.time_ms << " ms] " << to_string(ev.kind) << " " << ev.key
                << "='" << ev.value << "' from "
                << (ev.peer.empty() ? ev.origin : ev.peer) << std::endl;
    else
      std::cout << "[" << ev.time_ms << " ms] " << to_string(ev.kind) << " " << ev.peer
                << " " << cli::detail_text(ev) << std::endl;
  }};
}

struct settings {
  node_config node;
  std::string host;
  uint16_t port = 0;
  std::optional<cli::advertise_spec> advertise;
  std::string protocols;
  bool json = false;
  size_t threads = 1;
  std::string data_dir;
  std::optional<host_port> metrics;
  tls::settings tls;
  guard::settings guard;
};

// --metrics=HOST:PORT, where port 0 asks for a free one.
host_port read_metrics(const std::string& text) {
  auto any_port = text.size() > 2 && text.compare(text.size() - 2, 2, ":0") == 0;
  auto hp = parse_host_port(any_port ? text.substr(0, text.size() - 1) + "1" : text);
  if (!hp)
    throw std::invalid_argument("invalid value '" + text +
                                "' for --metrics: expected HOST:PORT or [IPv6]:PORT");
  if (any_port)
    hp->port = 0;
  if (hp->host.find(':') != std::string::npos && !metrics_endpoint::ipv6())
    throw std::invalid_argument("--metrics=" + text +
                                ": the civetweb library gossip-node runs on has no IPv6 "
                                "(Debian's is built without it); give an IPv4 address");
  return *hp;
}

// Reads the node's own options; the protocols read theirs from the same
// parameters (scoped reads), below which lies the preset.
settings read_settings(params& ps) {
  apply_preset(ps.get_string("preset", "lan"), ps);
  settings s;
  s.node.name = ps.get_string("name", "node-" + std::to_string(::getpid()));
  s.host = ps.get_string("host", "127.0.0.1");
  auto port = ps.get_uint("port", 0);
  if (port > 65535)
    throw std::invalid_argument("--port must be at most 65535");
  s.port = static_cast<uint16_t>(port);
  s.protocols = "swim," + ps.get_string("protocol", "push-pull,probabilistic");
  s.node.interval = cli::get_duration(ps, "interval", 1000ms);
  s.node.jitter = ps.get_double("jitter", 0.1);
  s.node.seed = ps.get_uint("seed", static_cast<uint64_t>(::getpid()));
  auto events = ps.get_string("events", "text");
  if (events != "json" && events != "text")
    throw std::invalid_argument("invalid value '" + events +
                                "' for --events: json or text");
  s.json = events == "json";
  s.threads = ps.get_uint("threads", 1);
  s.data_dir = ps.get_string("data-dir", "");
  if (ps.has("data-dir") && s.data_dir.empty())
    throw std::invalid_argument("--data-dir needs a directory");
  s.node.faults.controllable = ps.get_bool("fault-injection", false);
  auto& lim = s.node.limits;
  lim.max_store_keys = ps.get_uint("max-keys", lim.max_store_keys);
  lim.max_store_bytes = ps.get_uint("max-bytes", lim.max_store_bytes);
  if (lim.max_store_keys == 0 || lim.max_store_bytes == 0)
    throw std::invalid_argument("--max-keys and --max-bytes must be at least 1");
  if (ps.has("metrics"))
    s.metrics = read_metrics(ps.get_string("metrics", ""));
  if (ps.has("advertise"))
    s.advertise = cli::read_advertise(ps.get_string("advertise", ""));
  s.tls = tls::read(ps);
  // Without --tls or --insecure a host off loopback (a wildcard too) is
  // refused below; with them, a wildcard without --advertise is refused
  // before --insecure's warning, so that a refusal stays one line.
  if (s.tls.enabled || s.tls.insecure)
    cli::check_bind(s.host, s.advertise);
  tls::require_tls_off_loopback(s.tls, s.host, ps.scoped("swim").get_list("seeds"),
                                s.advertise ? s.advertise->host : "");
  s.guard = cli::read_guard(ps);
  for (auto& kv : ps.get_list("meta")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("invalid value '" + kv +
                                  "' for --meta: expected key=value");
    s.node.labels[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (s.threads == 0 || s.threads > 64)
    throw std::invalid_argument("--threads must be between 1 and 64");
  return s;
}

// The last known members join the seeds, so that a node whose seeds are gone
// rejoins through them (without TLS only those on loopback, as for --seeds).
// True if the seeds changed.
bool add_known_members(params& ps, const data_dir& dir, const settings& s) {
  auto seeds = ps.scoped("swim").get_list("seeds");
  auto before = seeds.size();
  for (auto& m : dir.members()) {
    auto hp = parse_host_port(m.address);
    if (m.name == s.node.name || !hp ||
        std::find(seeds.begin(), seeds.end(), m.address) != seeds.end())
      continue;
    if (s.tls.enabled || s.tls.insecure || tls::is_loopback(hp->host))
      seeds.push_back(m.address);
  }
  if (seeds.size() == before)
    return false;
  std::string joined;
  for (auto& x : seeds)
    joined += (joined.empty() ? "" : ",") + x;
  ps.set("swim.seeds", joined);
  return true;
}

int run(settings& s, caf::actor_system_config& cfg,
        std::vector<std::unique_ptr<protocol>> ps) {
  caf::actor_system sys{cfg};
  auto node = spawn_node(sys, s.node, std::move(ps));
  // On a thread of its own: a slow reader of stdout (a full pipe) must not
  // hold the scheduler's threads. It did with --threads=1: a connection
  // accepted meanwhile lost its first request for good (1 run in 12 of
  // Startup.PutReadsTheValueFromStandardInput after a 200 KiB stored event).
  auto out = sys.spawn<caf::detached>(printer, s.json);
  caf::anon_send(node, caf::subscribe_atom::value, out);
  // Through the connection guard, never BASP itself (README: Connection limits).
  auto port = s.tls.enabled ? guard::listen_tls(sys, node, s.host, s.port, s.guard)
                            : guard::listen(sys, node, s.host, s.port, s.guard);
  if (!port) {
    std::cerr << "gossip-node: error: cannot listen on "
              << to_string(host_port{s.host, s.port}) << ": " << sys.render(port.error())
              << "\n";
    guard::stop(sys);
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(out, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::unique_ptr<metrics_endpoint> metrics;
  if (s.metrics) {
    try {
      metrics = std::make_unique<metrics_endpoint>(sys, node, s.node.name, *s.metrics);
    } catch (const std::runtime_error& e) {
      std::cerr << "gossip-node: error: cannot serve --metrics on "
                << to_string(*s.metrics) << ": " << e.what() << "\n";
      guard::stop(sys);
      caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(out, caf::exit_reason::user_shutdown);
      return 1;
    }
  }
  auto metrics_at =
      metrics ? to_string(host_port{s.metrics->host, metrics->port()}) : std::string{};
  // Members are told the advertised address; the socket is bound to --host.
  auto bound = to_string(host_port{s.host, *port});
  auto address = cli::advertised_address(s.host, *port, s.advertise);
  caf::anon_send(node, in_process, address_atom::value, address);
  if (s.json) {
    auto line =
        cli::json{{"event", "listening"}, {"node", s.node.name}, {"address", address}};
    if (bound != address)
      line["bound"] = bound; // only then: readers of the old line keep working
    if (metrics)
      line["metrics"] = metrics_at;
    line["pid"] = ::getpid();
    std::cout << cli::json_line(line) << std::endl;
  } else if (address == bound)
    std::cout << s.node.name << " listening on " << address << std::endl;
  else
    std::cout << s.node.name << " listening on " << bound << ", advertised as " << address
              << std::endl;
  if (metrics && !s.json)
    std::cout << s.node.name << " serves metrics at http://" << metrics_at << "/metrics"
              << std::endl;
  // Wait for SIGTERM or SIGINT (blocked in every thread, see main).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  // Leave gracefully: the goodbye goes straight to every member; give the
  // network a moment to carry it before the process ends.
  metrics.reset(); // no scrape during the leave
  caf::anon_send(node, in_process, caf::leave_atom::value);
  std::this_thread::sleep_for(
      std::min<std::chrono::milliseconds>(s.node.interval, 300ms));
  // Closes the port and every connection (the TLS port on 127.0.0.1 closes
  // when the system shuts down: caf::openssl::unpublish does not compile in
  // 0.17.6).
  guard::stop(sys);
  caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(out, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // Signals are taken by sigwait in main; block them before CAF starts threads.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Only the printer's thread may wait for stdout: std::cerr is tied to
  // std::cout, so a line logged to stderr (a rejection, say) flushed stdout
  // first and held the scheduler thread while a full pipe held the printer.
  std::cerr.tie(nullptr);
  cli::checked_config cfg;
  cli::caf_settings caf_file_settings;
  // Defaults a config file may override. Few threads, no busy polling: a
  // node is mostly idle between ticks.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"caf-gossip"});
  settings s;
  std::vector<std::unique_ptr<protocol>> protocols;
  try {
    auto args = cli::parse(argc, argv, 1, all_options());
    if (args.help) {
      cli::print_help(std::cout, "usage: gossip-node [options]", all_options());
      std::cout << "\nProtocols (--protocol=a,b; swim always runs):\n";
      for (auto& info : all_protocols())
        std::cout << "  " << info.name << ": " << info.summary << " (" << info.reference
                  << ")\n";
      return 0;
    }
    if (args.values.has("help-params")) {
      std::cout << parameter_table() << "\n" << preset_table();
      return 0;
    }
    if (!args.positional.empty())
      throw std::invalid_argument("unexpected argument '" + args.positional[0] + "'");
    if (args.values.has("config"))
      load_config_file(args.values.get_string("config", ""), args.values,
                       caf_file_settings);
    s = read_settings(args.values);
    protocols = make_protocols(s.protocols, args.values);
    cli::reject_unused(args.values);
    if (auto err = validate(s.node); !err.empty())
      throw std::invalid_argument(err);
    // push-sum's value label, as strictly as the protocol reads it.
    if (auto v = s.node.labels.find("value");
        v != s.node.labels.end() && !parse_push_sum_value(v->second, 1e18))
      throw std::invalid_argument("invalid value '" + v->second +
                                  "' for --meta value: expected a finite number");
    // Last, once everything else is known good: it takes the directory's
    // lock and starts a new life in it.
    if (!s.data_dir.empty()) {
      s.node.storage = std::make_shared<data_dir>(s.data_dir, s.node.name, s.node.limits);
      if (add_known_members(args.values, *s.node.storage, s))
        protocols = make_protocols(s.protocols, args.values); // SWIM reads its seeds
    }
  } catch (const data_dir_error& e) {
    std::cerr << "gossip-node: error: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-node: error: " << e.what() << "\n";
    return 2;
  }
  register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads", s.threads);
  tls::configure(cfg, s.tls);
  try {
    cfg.apply(caf_file_settings);
    cli::configure_heartbeats(cfg, s.guard); // after the file's middleman settings
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-node: error: " << e.what() << "\n";
    return 2;
  }
  return run(s, cfg, std::move(protocols));
}
