// gossip-ctl: drives a running node from outside, as a remote actor, with the
// same typed messages an application actor uses.
//
// Exit codes: 0 done, 1 key not found, 2 bad command line, 3 node unreachable
// or the request failed (a write level, wait or agreement not met in time).
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <csignal>
#include <cstdio>
#include <future>
#include <iostream>
#include <thread>

#include "certs.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "gossip/address.hpp"
#include "gossip/atoms.hpp"
#include "gossip/counters.hpp"
#include "gossip/event.hpp"
#include "gossip/guard.hpp"
#include "gossip/limits.hpp"
#include "gossip/membership.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/replicas.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"
#include "gossip/types.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "print.hpp"
#include "replicas.hpp"
#include "tls.hpp"

namespace {

using namespace gossip;
using namespace std::chrono_literals;
using namespace gossip::ctl;
using cli::json_line;

const std::vector<cli::option> ctl_options{
    {"node", "HOST:PORT", "the node to talk to (required)"},
    {"format", "FORMAT", "text or json (default text)"},
    {"timeout", "DURATION",
     "how long to wait for the node, connecting included (default 5s)"},
    {"topic", "TOPIC", "broadcast: for the topic's subscribers (directed gossip)"},
    {"replicas", "K|majority|all",
     "put, del: answer once K members (this node included), a majority or all live "
     "members hold the write"},
};

std::vector<cli::option> all_options() {
  return ctl_options + tls::options() + certs::options();
}

const char* usage_text =
    "usage: gossip-ctl --node=HOST:PORT [--format=json] COMMAND [ARGS]\n"
    "       gossip-ctl certs init | node NAME | client NAME [--dir=DIR]\n\n"
    "Commands:\n"
    "  put KEY VALUE    write a key (prints its version); VALUE - reads standard input;\n"
    "                   --replicas=K|majority|all: once that many members hold it\n"
    "  get KEY          print the value alone (exit 1 if absent)\n"
    "  del KEY          delete a key (exit 1 if absent); also: delete; --replicas too\n"
    "  wait KEY         return once every live member holds this node's version of KEY\n"
    "  agree            return once every live member counts the same members\n"
    "  broadcast TEXT   spread a rumor (prints its id); --topic=T for directed gossip\n"
    "  estimate         the node's push-sum estimate (needs --protocol=...,push-sum)\n"
    "  members          one member per line: name, address, status, incarnation\n"
    "  dump             every entry of the store, tombstones included, one per line\n"
    "  stats            message and byte counters\n"
    "  faults LOSS DELAY  the node loses each send with probability LOSS and holds\n"
    "                   it DELAY rounds (needs gossip-node --fault-injection; 0 0 ends "
    "it)\n"
    "  watch            stream the node's events until Ctrl-C\n"
    "  certs init       make a cluster CA: DIR/ca.pem, DIR/ca.key\n"
    "  certs node NAME  a node certificate signed by it: DIR/NAME.pem, DIR/NAME.key\n"
    "  certs client NAME  a client certificate (drives nodes, cannot run one)\n\n"
    "Exit codes: 0 ok, 1 not found, 2 bad command line, 3 unreachable or failed\n"
    "(--replicas, wait, agree: not met within --timeout)";

volatile std::sig_atomic_t interrupted = 0;

int fail(const std::string& what, int code) {
  std::cerr << "gossip-ctl: error: " << what << "\n";
  return code;
}

int watch(caf::scoped_actor& self, const caf::actor& node, bool as_json) {
  std::signal(SIGINT, [](int) { interrupted = 1; });
  std::signal(SIGTERM, [](int) { interrupted = 1; });
  self->monitor(node);
  self->send(node, caf::subscribe_atom::value, caf::actor{self});
  bool down = false;
  while (!interrupted && !down) {
    self->receive(
        [&](const event& ev) {
          if (as_json)
            std::cout << to_json(ev) << std::endl;
          else
            std::cout << ev.time_ms << " " << ev.node << " " << to_string(ev.kind) << " "
                      << (ev.key.empty() ? ev.peer : ev.key + "=" + ev.value) << " "
                      << cli::detail_text(ev) << std::endl;
        },
        [&](const caf::down_msg&) { down = true; }, caf::after(100ms) >> [] {});
  }
  if (down)
    return fail("lost the node", 3);
  self->send(node, caf::unsubscribe_atom::value, caf::actor{self});
  return 0;
}

// One request, one answer; returns the exit code.
int run(caf::actor_system& sys, const caf::actor& node, const command& cmd) {
  caf::scoped_actor self{sys};
  int rc = 0;
  auto on_error = [&](caf::error& err) { rc = fail(sys.render(err), 3); };
  auto& a = cmd.args;
  ctl::call call{self, node, cmd.timeout, cmd.json};
  if (cmd.replicas && cmd.name == "put")
    return ctl::put(call, a[0], a[1], *cmd.replicas);
  if (cmd.replicas && cmd.name == "del")
    return ctl::del(call, a[0], *cmd.replicas);
  if (cmd.name == "wait")
    return ctl::wait(call, a[0]);
  if (cmd.name == "agree")
    return ctl::agree(call);
  if (cmd.name == "put") {
    self->request(node, cmd.timeout, caf::put_atom::value, a[0], a[1])
        .receive(
            [&](uint64_t v) {
              if (cmd.json)
                std::cout << json_line({{"ok", true}, {"version", v}}) << "\n";
              else
                std::cout << "ok version " << v << "\n";
            },
            on_error);
  } else if (cmd.name == "get") {
    self->request(node, cmd.timeout, caf::get_atom::value, a[0])
        .receive(
            [&](bool found, const std::string& value) {
              if (!found)
                rc = cmd.json ? (std::cout << json_line({{"found", false}}) << "\n", 1)
                              : fail("no such key", 1);
              else if (cmd.json)
                std::cout << json_line({{"found", true}, {"value", value}}) << "\n";
              else
                std::cout << value << "\n";
            },
            on_error);
  } else if (cmd.name == "del") {
    self->request(node, cmd.timeout, caf::delete_atom::value, a[0])
        .receive(
            [&](bool erased) {
              if (cmd.json)
                std::cout << json_line({{"deleted", erased}}) << "\n";
              else if (erased)
                std::cout << "deleted\n";
              rc = erased ? 0 : (cmd.json ? 1 : fail("no such key", 1));
            },
            on_error);
  } else if (cmd.name == "broadcast") {
    auto on_id = [&](uint64_t id) {
      if (cmd.json)
        std::cout << json_line({{"ok", true}, {"id", id}}) << "\n";
      else
        std::cout << "ok rumor " << id << "\n";
    };
    // With a topic the rumor is for its subscribers (directed gossip).
    if (cmd.topic.empty())
      self->request(node, cmd.timeout, broadcast_atom::value, a[0])
          .receive(on_id, on_error);
    else
      self->request(node, cmd.timeout, broadcast_atom::value, cmd.topic, a[0])
          .receive(on_id, on_error);
  } else if (cmd.name == "estimate") {
    self->request(node, cmd.timeout, push_sum_atom::value)
        .receive(
            [&](double estimate, uint64_t round) {
              if (cmd.json)
                std::cout << json_line({{"estimate", estimate}, {"round", round}})
                          << "\n";
              else
                std::cout << estimate << "\n";
            },
            on_error);
  } else if (cmd.name == "members") {
    self->request(node, cmd.timeout, members_atom::value)
        .receive(
            [&](const std::vector<member_update>& ms) { print_members(ms, cmd.json); },
            on_error);
  } else if (cmd.name == "dump") {
    self->request(node, cmd.timeout, snapshot_atom::value)
        .receive([&](const std::vector<keyed_entry>& xs) { print_entries(xs, cmd.json); },
                 on_error);
  } else if (cmd.name == "faults") {
    self->request(node, cmd.timeout, faults_atom::value, cmd.loss, cmd.delay_rounds)
        .receive(
            [&](bool) {
              if (cmd.json)
                std::cout << json_line({{"ok", true}}) << "\n";
              else
                std::cout << "ok\n";
            },
            on_error);
  } else if (cmd.name == "stats") {
    self->request(node, cmd.timeout, stats_atom::value)
        .receive([&](const counters& c) { print_stats(c, cmd.json); }, on_error);
  } else {
    rc = watch(self, node, cmd.json);
  }
  return rc;
}

// CAF's remote_actor blocks until the node answers the handshake, for as long
// as the node keeps the connection open. It runs in a helper thread so that
// --timeout bounds it: on expiry the process ends at once (exit 3), skipping
// the orderly shutdown that the blocked call would hold up.
caf::expected<caf::actor> connect(caf::actor_system& sys, const host_port& address,
                                  bool tls, std::chrono::milliseconds timeout) {
  std::promise<caf::expected<caf::actor>> done;
  auto result = done.get_future();
  // A plain connection goes through the connection guard, as a node's do: a
  // hostile server cannot make us allocate what it announces. The node's
  // heartbeats may be hours apart (a third of its --idle-timeout).
  guard::settings client;
  client.idle_timeout = std::chrono::hours{24};
  std::thread helper{[&] {
    done.set_value(tls ? caf::openssl::remote_actor(sys, address.host, address.port)
                       : guard::dial(sys, address.host, address.port, client));
  }};
  if (result.wait_for(timeout) != std::future_status::ready) {
    fail("no answer from " + to_string(address) + " within " +
             std::to_string(timeout.count()) + " ms (--timeout)",
         3);
    std::fflush(nullptr);
    std::_Exit(3);
  }
  helper.join();
  return result.get();
}

} // namespace

int main(int argc, char** argv) {
  command cmd;
  host_port address;
  tls::settings tls_settings;
  try {
    auto args = cli::parse(argc, argv, 1, all_options());
    if (args.help) {
      std::cout << usage_text << "\n";
      cli::print_help(std::cout, "", all_options());
      return 0;
    }
    if (!args.positional.empty() && args.positional[0] == "certs")
      return certs::command("gossip-ctl",
                            {args.positional.begin() + 1, args.positional.end()},
                            args.values.get_string("dir", "."));
    cmd = parse_command(args);
    if (args.values.has("dir"))
      throw std::invalid_argument("--dir is for gossip-ctl certs");
    check_input(cmd);
    tls_settings = tls::read(args.values, tls::role::client);
    auto node = args.values.get_string("node", "");
    if (node.empty())
      throw std::invalid_argument("--node=HOST:PORT is required");
    auto parsed = parse_host_port(node);
    if (!parsed)
      throw std::invalid_argument("invalid value '" + node +
                                  "' for --node: expected HOST:PORT or [IPV6]:PORT, "
                                  "port 1 to 65535");
    address = *parsed;
  } catch (const std::invalid_argument& e) {
    return fail(e.what(), 2);
  }
  caf::actor_system_config cfg;
  register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"caf-gossip"});
  cfg.set("scheduler.max-threads", size_t{1});
  // Heartbeats keep a `watch` within any node's --idle-timeout (1s at least).
  cfg.set("middleman.heartbeat-interval", caf::timespan{300ms});
  tls::configure(cfg, tls_settings);
  caf::actor_system sys{cfg};
  // One deadline: what connecting takes, the request does not get.
  auto deadline = std::chrono::steady_clock::now() + cmd.timeout;
  auto node = connect(sys, address, tls_settings.enabled, cmd.timeout);
  if (!node) {
    guard::stop(sys);
    return fail("cannot reach node at " + to_string(address) + ": " +
                    sys.render(node.error()),
                3);
  }
  cmd.timeout = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now()),
                         std::chrono::milliseconds{1});
  auto rc = run(sys, *node, cmd);
  guard::stop(sys);
  return rc;
}
