// N gossip-node processes on one machine, started, watched through their
// JSON event streams, and stopped by PID: what gossip-cluster runs and what
// the multi-process tests drive. With per_process = P, each process hosts P
// nodes (gossip-node --nodes=P; the last may host fewer): nodes are still
// addressed one by one, but starting, signalling and killing act on a node's
// whole process. With a netns::lan, each process runs in its own network
// namespace with its own address (a host per process).
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
  /// Nodes per gossip-node process (--nodes); its nodes are consecutive:
  /// process p hosts n(pP+1) .. n(pP+P).
  size_t per_process = 1;
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
  /// TCP port of every process's first node in netns mode (each process has
  /// its own address; its other nodes take the ports after it).
  uint16_t netns_port = 7946;
};

class process_cluster {
public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  explicit process_cluster(cluster_spec spec);
  ~process_cluster(); // kills what still runs

  size_t size() const { return spec_.nodes; }
  std::string name(size_t i) const { return "n" + std::to_string(i + 1); }
  /// Index of a node name ("n3" -> 2); throws for an unknown one.
  size_t index(const std::string& name) const;
  const std::string& address(size_t i) const { return nodes_[i].address; }
  /// Whether node i's process runs, and its PID.
  bool running(size_t i) const;
  pid_t pid(size_t i) const;

  size_t per_process() const { return spec_.per_process; }
  size_t processes() const { return procs_.size(); }
  size_t process_of(size_t i) const { return i / spec_.per_process; }
  size_t first_node(size_t p) const { return p * spec_.per_process; }
  /// Nodes process p hosts (per_process, fewer for the last).
  size_t nodes_of(size_t p) const;
  /// Nodes hosted with node i, itself included.
  std::vector<size_t> siblings(size_t i) const;

  /// Starts node i's process (same ports as in its previous life, if any)
  /// with the first node of another running process as seed, and waits until
  /// all its nodes listen.
  void start(size_t i, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Node 0's process, then all others one by one.
  void start_all();
  /// Starts node i's process without waiting for it (seed: `seed`'s address,
  /// none if seed is hosted with i), with `extra` gossip-node options.
  void launch(size_t i, size_t seed, const std::vector<std::string>& extra = {});
  /// Waits until all nodes of node i's process listen; false on timeout or if
  /// it died.
  bool wait_listening(size_t i, std::chrono::milliseconds timeout);
  /// Signals node i's process: every node it hosts.
  void signal(size_t i, int sig);
  /// SIGKILL node i's process: a crash of all its nodes.
  void kill(size_t i);
  /// SIGTERM: a graceful leave of its nodes; waits for the process to end.
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
    std::string address;
    uint16_t port = 0;
    std::vector<event> events;
    std::map<std::string, event_kind> member_state; // peer -> last member_* kind
  };

  void read_all();
  void handle_line(size_t p, const std::string& line);
  /// Node index of a name process p reports; npos for another's.
  size_t hosted(size_t p, const std::string& name) const;
  /// --name, --nodes and --port of process p.
  std::vector<std::string> node_options(size_t p) const;
  std::vector<std::string> command_prefix(size_t i) const;
  std::vector<std::string> tls_args(const std::string& name) const;

  cluster_spec spec_;
  std::vector<node_state> nodes_;
  /// One gossip-node process per per_process nodes.
  std::vector<std::unique_ptr<child>> procs_;
};

} // namespace gossip::proc
