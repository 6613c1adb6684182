#include "host.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include <csignal>
#include <iostream>
#include <thread>

#include "gossip/atoms.hpp"
#include "gossip/event.hpp"
#include "gossip/registry.hpp"
#include "metrics_endpoint.hpp"
#include "output.hpp"

namespace gossip::node_app {

namespace {

using namespace std::chrono_literals;

// Prints the nodes' events on stdout, one line each.
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

// What the process runs: the printer and the nodes.
struct hosted {
  caf::actor_system& sys;
  caf::actor out;
  std::vector<caf::actor> nodes;

  // Closes the ports and every connection (the TLS port on 127.0.0.1 closes
  // when the system shuts down: caf::openssl::unpublish does not compile in
  // 0.17.6), then ends the actors.
  void shutdown() {
    guard::stop(sys);
    for (auto& n : nodes)
      caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(out, caf::exit_reason::user_shutdown);
  }
};

// The protocols of a node after the first; main made and checked the
// first's from the same parameters, so only node 0's address is new. None
// (reported) if they fail all the same.
std::vector<std::unique_ptr<protocol>> protocols_of(const settings& s, const params& ps) {
  try {
    return make_protocols(s.protocols, ps);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gossip-node: error: " << e.what() << "\n";
    return {};
  }
}

// Spawns node i and publishes it through the connection guard, never BASP
// itself (README: Connection limits). Returns the bound port.
caf::expected<uint16_t> start_node(hosted& h, const settings& s, size_t i,
                                   std::vector<std::unique_ptr<protocol>> ps) {
  auto cfg = s.node;
  cfg.name = s.names[i];
  cfg.seed = s.node.seed + i; // each node its own random choices
  auto node = spawn_node(h.sys, cfg, std::move(ps));
  h.nodes.push_back(node);
  caf::anon_send(node, caf::subscribe_atom::value, h.out);
  return s.tls.enabled ? guard::listen_tls(h.sys, node, s.host, s.ports[i], s.guard)
                       : guard::listen(h.sys, node, s.host, s.ports[i], s.guard);
}

void print_listening(const settings& s, const std::string& name, const std::string& bound,
                     const std::string& address, const std::string& metrics_at) {
  if (s.json) {
    auto line = cli::json{{"event", "listening"}, {"node", name}, {"address", address}};
    if (bound != address)
      line["bound"] = bound; // only then: readers of the old line keep working
    if (!metrics_at.empty())
      line["metrics"] = metrics_at;
    line["pid"] = ::getpid();
    std::cout << cli::json_line(line) << std::endl;
  } else if (address == bound)
    std::cout << name << " listening on " << address << std::endl;
  else
    std::cout << name << " listening on " << bound << ", advertised as " << address
              << std::endl;
  if (!metrics_at.empty() && !s.json)
    std::cout << name << " serves metrics at http://" << metrics_at << "/metrics"
              << std::endl;
}

// Wait for SIGTERM or SIGINT (blocked in every thread, see main).
void wait_for_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
}

} // namespace

int run(settings& s, caf::actor_system_config& cfg, params& ps,
        std::vector<std::unique_ptr<protocol>> first) {
  caf::actor_system sys{cfg};
  // On a thread of its own: a slow reader of stdout (a full pipe) must not
  // hold the scheduler's threads. It did with --threads=1: a connection
  // accepted meanwhile lost its first request for good (1 run in 12 of
  // Startup.PutReadsTheValueFromStandardInput after a 200 KiB stored event).
  hosted h{sys, sys.spawn<caf::detached>(printer, s.json), {}};
  std::unique_ptr<metrics_endpoint> metrics;
  for (size_t i = 0; i < s.nodes(); ++i) {
    auto ps_i = i == 0 ? std::move(first) : protocols_of(s, ps);
    if (ps_i.empty()) {
      h.shutdown();
      return 2;
    }
    auto port = start_node(h, s, i, std::move(ps_i));
    if (!port) {
      std::cerr << "gossip-node: error: cannot listen on "
                << to_string(host_port{s.host, s.ports[i]}) << ": "
                << sys.render(port.error()) << "\n";
      h.shutdown();
      return 1;
    }
    if (s.metrics && i == 0) { // one node only (settings.cpp)
      try {
        metrics =
            std::make_unique<metrics_endpoint>(sys, h.nodes[0], s.names[0], *s.metrics);
      } catch (const std::runtime_error& e) {
        std::cerr << "gossip-node: error: cannot serve --metrics on "
                  << to_string(*s.metrics) << ": " << e.what() << "\n";
        h.shutdown();
        return 1;
      }
    }
    auto metrics_at =
        metrics ? to_string(host_port{s.metrics->host, metrics->port()}) : std::string{};
    // Members are told the advertised address; the socket is bound to --host.
    auto bound = to_string(host_port{s.host, *port});
    auto address = cli::advertised_address(s.host, *port, s.advertise);
    caf::anon_send(h.nodes[i], in_process, address_atom::value, address);
    print_listening(s, s.names[i], bound, address, metrics_at);
    // The others join through the first, over TCP as from another process:
    // addresses are verified and gossiped the same way. Under HyParView only
    // without seeds: the first walks its joiners through its own neighbours,
    // mostly of this process, and the overlay stays local (docs/results.md).
    if (i == 0 && s.nodes() > 1 &&
        (s.overlay != "hyparview" || ps.scoped(s.overlay).get_list("seeds").empty()))
      add_seed(ps, s, address);
  }
  wait_for_signal();
  // Leave gracefully: each goodbye goes straight to every member; give the
  // network a moment to carry them before the process ends.
  metrics.reset(); // no scrape during the leave
  for (auto& n : h.nodes)
    caf::anon_send(n, in_process, caf::leave_atom::value);
  std::this_thread::sleep_for(
      std::min<std::chrono::milliseconds>(s.node.interval, 300ms));
  h.shutdown();
  return 0;
}

} // namespace gossip::node_app
