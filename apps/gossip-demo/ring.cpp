// The ring demo: N nodes on a ring, each pushing its state to its successor
// once a round. Node 0 writes "New State" after a few rounds; every transfer
// is printed as it arrives, and the demo ends with the number of rounds until
// all nodes agreed. Rounds are exact (CAF's deterministic scheduler), paced in
// wall-clock time by --interval so a person can watch.
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <iostream>
#include <thread>

#include "cli.hpp"
#include "demos.hpp"
#include "gossip/event.hpp"
#include "gossip/local_cluster.hpp"

namespace gossip::demo {

namespace {

const std::vector<cli::option> options{
    {"nodes", "N", "nodes on the ring (default 5)"},
    {"interval", "DURATION", "wall-clock time per round, e.g. 300ms (default 300ms)"},
    {"seed", "N", "random seed (default 1)"},
    {"write-after", "N", "rounds before node 0 writes (default 2)"},
    {"value", "TEXT", "what node 0 writes (default 'New State')"},
};

// Prints each transfer of the new state as the receiving node reports it.
caf::behavior printer(caf::event_based_actor*) {
  return {[](const event& ev) {
    if (ev.kind == event_kind::delivered)
      std::cout << "Node " << ev.peer << " sent state '" << ev.value << "' to Node "
                << ev.node << std::endl;
  }};
}

size_t count_holding(local_cluster& cluster, const std::string& key,
                     const std::string& value) {
  size_t n = 0;
  for (size_t i = 0; i < cluster.size(); ++i)
    for (auto& x : cluster.snapshot(i))
      n += x.key == key && x.e.value == value && !x.e.tombstone ? 1 : 0;
  return n;
}

} // namespace

int ring(int argc, char** argv) {
  cluster_options opts;
  std::chrono::milliseconds pace;
  uint64_t write_after = 0;
  std::string value;
  try {
    auto args = cli::parse(argc, argv, 2, options);
    if (args.help) {
      cli::print_help(std::cout, "usage: gossip-demo ring [options]", options);
      return 0;
    }
    if (!args.positional.empty())
      throw std::invalid_argument("unexpected argument '" + args.positional[0] + "'");
    auto& ps = args.values;
    opts.nodes = ps.get_uint("nodes", 5);
    if (opts.nodes < 2 || opts.nodes > 1000)
      throw std::invalid_argument("--nodes must be between 2 and 1000");
    pace = cli::get_duration(ps, "interval", std::chrono::milliseconds{300});
    opts.seed = ps.get_uint("seed", 1);
    write_after = ps.get_uint("write-after", 2);
    value = ps.get_string("value", "New State");
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-demo ring: error: " << e.what() << "\n";
    return 2;
  }
  opts.protocol = "push";
  opts.node.sampler = "ring";
  opts.node.jitter = 0;
  opts.deterministic = true;
  local_cluster cluster{opts};
  auto watcher = cluster.system().spawn(printer);
  for (size_t i = 0; i < cluster.size(); ++i)
    caf::anon_send(cluster.node(i), caf::subscribe_atom::value, watcher);
  cluster.settle();
  std::cout << opts.nodes << " nodes on a ring, push to the next node every round"
            << std::endl;
  const std::string key = "state";
  uint64_t round = 0;
  for (; round < write_after; ++round) {
    cluster.run_round();
    std::this_thread::sleep_for(pace);
  }
  cluster.put(0, key, value);
  std::cout << "Node 0 writes '" << value << "' after round " << round << std::endl;
  size_t rounds = 0;
  const size_t max_rounds = 2 * opts.nodes;
  for (size_t holding = 1; holding < cluster.size() && rounds < max_rounds;) {
    std::this_thread::sleep_for(pace);
    cluster.run_round();
    ++rounds;
    holding = count_holding(cluster, key, value);
    std::cout << "  round " << rounds << ": " << holding << "/" << cluster.size()
              << " nodes hold '" << value << "'" << std::endl;
  }
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  if (!cluster.converged()) {
    std::cout << "The nodes did not agree within " << max_rounds << " rounds."
              << std::endl;
    return 1;
  }
  std::cout << "All " << cluster.size() << " nodes agreed on '" << value << "' after "
            << rounds << " rounds." << std::endl;
  return 0;
}

} // namespace gossip::demo
