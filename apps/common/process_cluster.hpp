// N gossip-node processes on one machine, started, watched through their
// JSON event streams, and stopped by PID: what gossip-cluster runs and what
// the multi-process tests drive. With a netns::lan, each node runs in its own
// network namespace with its own address (a host per node).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gossip/event.hpp"
#include "netns.hpp"
#include "process.hpp"

namespace gossip::proc {

struct cluster_spec {
  size_t nodes = 8;
  /// Where gossip-node and gossip-ctl live.
  std::string bin_dir;
  /// Extra gossip-node options for every node, e.g. --interval=200ms.
  std::vector<std::string> node_args;
  /// Extra gossip-ctl options (e.g. the TLS ones).
  std::vector<std::string> ctl_args;
  /// Non-empty: every node runs with --tls and DIR/<name>.pem, DIR/<name>.key,
  /// gossip-ctl with DIR/ctl.pem, DIR/ctl.key; DIR/ca.pem is the CA.
  std::string tls_dir;
  /// Where each node's stderr goes (node name + ".log"); empty: inherited.
  std::string log_dir;
  /// Non-empty: every node runs with --data-dir=DIR/<name>.
  std::string data_root;
  /// Where gossip-ctl's stderr goes (appended); empty: inherited.
  std::string ctl_log;
  /// Non-null: one namespace per node (root only).
  netns::lan* lan = nullptr;
  /// TCP port of every node in netns mode (each has its own address).
  uint16_t netns_port = 7946;
};

class process_cluster {
public:
  explicit process_cluster(cluster_spec spec);
  ~process_cluster(); // kills what still runs

  size_t size() const { return spec_.nodes; }
  std::string name(size_t i) const { return "n" + std::to_string(i + 1); }
  /// Index of a node name ("n3" -> 2); throws for an unknown one.
  size_t index(const std::string& name) const;
  const std::string& address(size_t i) const { return nodes_[i].address; }
  bool running(size_t i) const;
  pid_t pid(size_t i) const;

  /// Starts node i (same port as in its previous life, if any) with the
  /// first other running node as seed, and waits until it listens.
  void start(size_t i, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Node 0, then all others at once.
  void start_all();
  /// Starts node i without waiting for it (seed: `seed`'s address, none if
  /// seed == i), with `extra` gossip-node options.
  void launch(size_t i, size_t seed, const std::vector<std::string>& extra = {});
  /// Waits until node i listens; false on timeout or if it died.
  bool wait_listening(size_t i, std::chrono::milliseconds timeout);
  void signal(size_t i, int sig);
  /// SIGKILL: a crash.
  void kill(size_t i);
  /// SIGTERM: a graceful leave; waits for the process to end.
  void stop(size_t i);
  void stop_all();

  /// Reads events until `done()` holds or `timeout` passes; true if it held.
  bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  /// Reads whatever events arrive during `d`.
  void pump(std::chrono::milliseconds d);

  /// Events of node i's current life.
  const std::vector<event>& events(size_t i) const { return nodes_[i].events; }
  /// Called for every event as it is read.
  std::function<void(size_t, const event&)> on_event;
  /// Called when node i reports where it listens (address(i) is set then).
  std::function<void(size_t)> on_listening;

  /// Members node i currently counts as alive or suspect, itself included.
  std::set<std::string> live_view(size_t i) const;
  /// Last membership event node i reported about `peer` (nothing if none).
  std::optional<event_kind> last_member_event(size_t i, const std::string& peer) const;

  /// Runs gossip-ctl against node i (standard input from `stdin_path`, if
  /// given); returns its exit status and stdout.
  int ctl(size_t i, const std::vector<std::string>& args, std::string* out = nullptr,
          const std::string& stdin_path = {});

  /// Monotonic milliseconds, the clock the nodes' events use.
  static int64_t now_ms();

private:
  struct node_state {
    std::unique_ptr<child> proc;
    std::string address;
    uint16_t port = 0;
    std::vector<event> events;
    std::map<std::string, event_kind> member_state; // peer -> last member_* kind
  };

  void read_all();
  void handle_line(size_t i, const std::string& line);
  std::vector<std::string> command_prefix(size_t i) const;
  std::vector<std::string> tls_args(const std::string& name) const;

  cluster_spec spec_;
  std::vector<node_state> nodes_;
};

} // namespace gossip::proc
