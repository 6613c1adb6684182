// gossip-node: one gossip node per process (or --nodes=K of them on one
// actor system), published through CAF's middleman, joining the cluster
// through seeds.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>

#include <csignal>
#include <iostream>

#include "gossip/presets.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"
#include "guard_options.hpp"
#include "host.hpp"
#include "node_options.hpp"
#include "settings.hpp"

namespace {

using namespace gossip;
using namespace gossip::node_app;

const std::vector<cli::option> node_options{
    {"name", "NAME",
     "unique node name (default node-<pid>); --nodes=K: NAME-0 .. "
     "NAME-(K-1), or K names N1,N2,..."},
    {"nodes", "K",
     "nodes this process hosts, each with its own name and port, all on one "
     "middleman (default 1, at most 1000)"},
    {"overlay", "full|hyparview",
     "who talks to whom: full membership (SWIM, default) or hyparview's partial "
     "views; hyparview reads its seeds from --seeds or --hyparview.seeds"},
    {"host", "HOST",
     "address to listen on (default 127.0.0.1; :: or 0.0.0.0: every one)"},
    {"advertise", "HOST[:PORT]",
     "address members are told to reach this node at (default: --host and the "
     "bound port)"},
    {"port", "PORT",
     "TCP port; 0 picks a free one and prints it (default 0); "
     "--nodes=K: PORT .. PORT+K-1 (0: each a free one), or K ports"},
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
    {"run-on", "io|scheduler",
     "the thread the nodes run on: io (default), the one that reads and writes "
     "their connections, so no thread hand-off per message; scheduler: "
     "--threads of their own, so a --data-dir's fsync holds up no connection"},
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
  cli::parsed args;
  try {
    args = cli::parse(argc, argv, 1, all_options());
    if (args.help) {
      cli::print_help(std::cout, "usage: gossip-node [options]", all_options());
      std::cout << "\nProtocols (--protocol=a,b; swim, or with --overlay=hyparview "
                   "hyparview, always runs):\n";
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
      load_config_file(args.values.get_string("config", ""), all_options(), args.values,
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
        protocols = make_protocols(s.protocols, args.values); // the overlay reads seeds
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
  // On the I/O thread, BASP deserializes there too: a worker of its own
  // would hand each message to a scheduler thread and back again.
  if (s.node.io_thread)
    cfg.set("middleman.workers", size_t{0});
  tls::configure(cfg, s.tls);
  try {
    cfg.apply(caf_file_settings);
    cli::configure_heartbeats(cfg, s.guard); // after the file's middleman settings
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-node: error: " << e.what() << "\n";
    return 2;
  }
  return run(s, cfg, args.values, std::move(protocols));
}
