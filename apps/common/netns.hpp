// A small virtual LAN of network namespaces (root only, iproute2): one
// namespace per host with its own address, all plugged into a bridge inside
// a "switch" namespace. A partition moves hosts' ports onto separate bridges;
// healing moves them back. Nothing touches the root namespace's network.
#pragma once

#include <string>
#include <vector>

namespace gossip::netns {

/// True when running as root with `ip` available.
bool available();

/// Runs a command and waits; returns its exit status (-1 if it cannot run).
int run(const std::vector<std::string>& argv, bool quiet = true);

class lan {
public:
  /// Names everything after `id` (letters and digits, at most 8). An owner
  /// removes its namespaces when destroyed; a non-owner only steers a LAN
  /// another process made (gossip-cluster partition / heal).
  lan(std::string id, size_t hosts, bool owner = true);
  ~lan();

  lan(const lan&) = delete;
  lan& operator=(const lan&) = delete;

  /// Creates the namespaces, links and addresses; throws on failure.
  void create();
  void destroy();

  std::string host_ns(size_t i) const;
  /// 10.213.0.(i+1): only ever inside these namespaces.
  std::string host_ip(size_t i) const;
  size_t size() const { return hosts_; }

  /// groups[g] = host indices that can reach each other; hosts in different
  /// groups cannot.
  void partition(const std::vector<std::vector<size_t>>& groups);
  void heal();

  /// The prefix that runs a command inside host i: ip netns exec NS.
  std::vector<std::string> exec_prefix(size_t i) const;

private:
  std::string switch_ns() const;
  void ip(const std::vector<std::string>& args);

  std::string id_;
  size_t hosts_;
  bool owner_;
};

} // namespace gossip::netns
