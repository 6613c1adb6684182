// gossip-cluster: launches and watches N gossip-node processes on this
// machine (optionally one network namespace each), runs the demo, and cuts
// and heals links between namespaced nodes. Everything it starts it stops,
// by PID, also on Ctrl-C.
#include <csignal>
#include <iostream>

#include "cli.hpp"
#include "commands.hpp"
#include "overlay.hpp"
#include "process.hpp"

namespace {

using namespace gossip;

const std::vector<cli::option> options{
    {"nodes", "N", "nodes (default 8; at most 1000, in at most 250 processes)"},
    {"per-process", "P",
     "nodes per gossip-node process (default 1); killing a process ends its P "
     "nodes. partition takes the same value"},
    {"overlay", "full|hyparview",
     "membership of every node: full (SWIM, default) or hyparview (partial views)"},
    {"protocol", "NAMES",
     "dissemination protocols of every node (default push-pull,probabilistic)"},
    {"interval", "DURATION",
     "round length of every node (default 500ms, as gossip-node)"},
    {"netns", "",
     "root only: each process (each node, by default) in its own network namespace "
     "with its own address, talking TLS with a throwaway CA"},
    {"insecure", "", "with --netns: no TLS (nothing authenticated or encrypted)"},
    {"id", "ID", "names the namespaces (default gossip); partition/heal use the same"},
    {"logs", "DIR", "write each process's stderr to DIR/NAME.log (NAME: its first node)"},
    {"duration", "DURATION", "up: stop after this long (default: until Ctrl-C)"},
};

const char* usage =
    "usage: gossip-cluster COMMAND [options]\n\n"
    "Commands:\n"
    "  demo               8 nodes: join, a write spreading, a crash detected, a rejoin\n"
    "  up                 start N nodes and show their events until Ctrl-C\n"
    "  partition A,B/C,D  cut the links between groups of nodes of a running --netns "
    "cluster\n"
    "  heal               restore all links";

// --nodes and --per-process: at most 1000 nodes, in at most 250 processes
// (the namespaces' /24 and the launcher's pipes).
void read_sizes(params& ps, cluster_cmd::settings& s) {
  s.nodes = ps.get_uint("nodes", 8);
  s.per_process = ps.get_uint("per-process", 1);
  if (s.per_process == 0 || s.per_process > 1000)
    throw std::invalid_argument("--per-process must be between 1 and 1000");
  if (s.nodes == 0 || s.nodes > (s.per_process == 1 ? 250 : 1000))
    throw std::invalid_argument(std::string{"--nodes must be between 1 and "} +
                                (s.per_process == 1 ? "250" : "1000"));
  if (s.processes() > 250)
    throw std::invalid_argument("--nodes=" + std::to_string(s.nodes) +
                                " --per-process=" + std::to_string(s.per_process) +
                                " makes " + std::to_string(s.processes()) +
                                " processes: at most 250 (raise --per-process)");
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage << "\n";
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help") {
    std::cout << usage << "\n";
    cli::print_help(std::cout, "", options);
    return 0;
  }
  cluster_cmd::settings s;
  try {
    auto args = cli::parse(argc, argv, 2, options);
    if (args.help) {
      std::cout << usage << "\n";
      cli::print_help(std::cout, "", options);
      return 0;
    }
    auto& ps = args.values;
    read_sizes(ps, s);
    if (ps.has("overlay")) { // refused here, before any process starts
      cli::overlay_protocol(ps.get_string("overlay", ""));
      s.node_args.push_back("--overlay=" + ps.get_string("overlay", ""));
    }
    if (ps.has("protocol"))
      s.node_args.push_back("--protocol=" + ps.get_string("protocol", ""));
    s.interval = cli::get_duration(ps, "interval", std::chrono::milliseconds{500});
    s.node_args.push_back("--interval=" + std::to_string(s.interval.count()) + "ms");
    s.netns = ps.get_bool("netns", false);
    s.insecure = ps.get_bool("insecure", false);
    if (s.insecure && !s.netns)
      throw std::invalid_argument("--insecure goes with --netns (on 127.0.0.1 nodes "
                                  "need no TLS)");
    s.id = ps.get_string("id", "gossip");
    s.logs = ps.get_string("logs", "");
    if (ps.has("duration"))
      s.duration = cli::get_duration(ps, "duration", {});
    s.bin_dir = proc::self_dir();
    if (cmd == "partition") {
      if (args.positional.size() != 1)
        throw std::invalid_argument("partition takes one argument like n1,n2/n3,n4");
      return cluster_cmd::partition(s, args.positional[0]);
    }
    if (!args.positional.empty())
      throw std::invalid_argument("unexpected argument '" + args.positional[0] + "'");
    if (cmd == "heal")
      return cluster_cmd::heal(s);
    if (cmd == "up")
      return cluster_cmd::up(s);
    if (cmd == "demo") {
      if (s.per_process > 1 && s.processes() < 2)
        throw std::invalid_argument("demo kills a process: it needs at least two "
                                    "(lower --per-process)");
      return cluster_cmd::demo(s);
    }
    throw std::invalid_argument("unknown command '" + cmd + "' (try --help)");
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-cluster: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gossip-cluster: error: " << e.what() << "\n";
    return 1;
  }
}
