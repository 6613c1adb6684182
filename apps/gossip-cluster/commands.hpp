// The commands of gossip-cluster, one function each.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gossip::cluster_cmd {

struct settings {
  size_t nodes = 8;
  /// Nodes each gossip-node process hosts (its --nodes); the last process
  /// may host fewer.
  size_t per_process = 1;
  std::vector<std::string> node_args;
  std::chrono::milliseconds interval{200};
  bool netns = false;
  /// With netns: no TLS (the nodes get --insecure).
  bool insecure = false;
  std::string id = "gossip";
  std::string logs;
  std::optional<std::chrono::milliseconds> duration;
  std::string bin_dir;

  size_t processes() const { return (nodes + per_process - 1) / per_process; }
};

int up(const settings& s);
int demo(const settings& s);
int partition(const settings& s, const std::string& groups);
int heal(const settings& s);

/// Set by SIGINT/SIGTERM; the commands wind down when they see it.
bool interrupted();
void install_signal_handlers();

} // namespace gossip::cluster_cmd
