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
  /// True when the nodes and gossip-ctl talk TLS (--netns without --insecure).
  bool tls() const { return !tls_dir_.path.empty(); }

  /// Waits for `done`, printing nothing; false on timeout or Ctrl-C.
  bool wait(const std::function<bool()>& done, std::chrono::milliseconds timeout);

private:
  /// A directory of our own in $TMPDIR (/tmp), removed with what is in it.
  struct scratch_dir {
    std::string path;
    scratch_dir() = default;
    scratch_dir(const scratch_dir&) = delete;
    ~scratch_dir();
  };

  std::unique_ptr<netns::lan> lan_;
  /// The throwaway CA and certificates of a --netns cluster.
  scratch_dir tls_dir_;
  std::unique_ptr<proc::process_cluster> cluster_;
};

/// "412 ms" or "1.63 s".
std::string pretty_ms(int64_t ms);

} // namespace gossip::cluster_cmd
