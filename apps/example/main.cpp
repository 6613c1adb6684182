// An application that composes a gossip node into its own actors.
//
// Three nodes gossip with push-pull in this process. A user-written actor,
// `greeter`, writes a key into node 0's store and subscribes to node 2's
// events; when the write has reached node 2 it says so and the program ends.
// This is the whole API an application needs: spawn_node (here through
// local_cluster), (put_atom, key, value), (subscribe_atom, actor), and
// gossip::event.
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <iostream>

#include "gossip/event.hpp"
#include "gossip/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;

caf::behavior greeter(caf::event_based_actor* self, caf::actor writer, caf::actor reader,
                      caf::actor done) {
  self->send(reader, caf::subscribe_atom::value, caf::actor{self});
  self->request(writer, 5s, caf::put_atom::value, std::string{"greeting"},
                std::string{"hello from node 0"})
      .then([](uint64_t version) {
        std::cout << "wrote greeting, version " << version << "\n";
      });
  return {
      [=](const gossip::event& ev) {
        if (ev.kind == gossip::event_kind::stored && ev.key == "greeting") {
          std::cout << "node " << ev.node << " now holds greeting = '" << ev.value
                    << "' (round " << ev.round << ")\n";
          self->send(done, true);
          self->quit();
        }
      },
  };
}

} // namespace

int main() {
  gossip::cluster_options opts;
  opts.nodes = 3;
  opts.protocol = "push-pull";
  opts.node.interval = 100ms;
  gossip::local_cluster cluster{opts};
  caf::scoped_actor self{cluster.system()};
  self->spawn(greeter, cluster.node(0), cluster.node(2), caf::actor{self});
  bool ok = false;
  self->receive([&](bool x) { ok = x; }, caf::after(10s) >> [] {});
  std::cout << (ok ? "done" : "timed out") << "\n";
  return ok ? 0 : 1;
}
