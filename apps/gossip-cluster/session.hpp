// What every gossip-cluster command that runs nodes shares: the optional
// namespace LAN, the process cluster, Ctrl-C, and time formatting.
#pragma once

#include <memory>

#include "commands.hpp"
#include "process_cluster.hpp"

namespace gossip::cluster_cmd {

class session {
public:
  explicit session(const settings& s);
  ~session();

  proc::process_cluster& cluster() { return *cluster_; }
  bool namespaced() const { return lan_ != nullptr; }
  const netns::lan* lan() const { return lan_.get(); }

  /// Waits for `done`, printing nothing; false on timeout or Ctrl-C.
  bool wait(const std::function<bool()>& done, std::chrono::milliseconds timeout);

private:
  std::unique_ptr<netns::lan> lan_;
  std::unique_ptr<proc::process_cluster> cluster_;
};

/// "412 ms" or "1.63 s".
std::string pretty_ms(int64_t ms);

} // namespace gossip::cluster_cmd
