// partition / heal: steer the LAN of a running `gossip-cluster up --netns`.
#include <iostream>
#include <map>
#include <sstream>

#include "commands.hpp"
#include "netns.hpp"

namespace gossip::cluster_cmd {

namespace {

// "n1,n2/n3,n4" -> {{0,1},{2,3}}
std::vector<std::vector<size_t>> parse_groups(const std::string& text, size_t nodes) {
  std::vector<std::vector<size_t>> groups;
  std::stringstream all{text};
  std::string group;
  while (std::getline(all, group, '/')) {
    groups.emplace_back();
    std::stringstream members{group};
    std::string name;
    while (std::getline(members, name, ',')) {
      size_t pos = 0;
      unsigned long n = 0;
      try {
        n = name.size() > 1 && name[0] == 'n' ? std::stoul(name.substr(1), &pos) : 0;
      } catch (const std::exception&) {
      }
      if (n == 0 || pos + 1 != name.size() || n > nodes)
        throw std::invalid_argument("'" + name + "' is not a node name n1..n" +
                                    std::to_string(nodes));
      groups.back().push_back(n - 1);
    }
  }
  if (groups.size() < 2)
    throw std::invalid_argument("a partition needs at least two groups: n1,n2/n3,n4");
  return groups;
}

// Nodes to the hosts (processes) that run them: a partition cuts between
// namespaces, so nodes that share a process go to the same group.
std::vector<std::vector<size_t>> to_hosts(const std::vector<std::vector<size_t>>& groups,
                                          size_t per_process) {
  std::map<size_t, size_t> group_of; // host -> group
  std::vector<std::vector<size_t>> hosts(groups.size());
  for (size_t g = 0; g < groups.size(); ++g)
    for (auto node : groups[g]) {
      auto host = node / per_process;
      auto [at, added] = group_of.emplace(host, g);
      if (!added && at->second != g)
        throw std::invalid_argument(
            "n" + std::to_string(node + 1) + " shares a process with nodes of another " +
            "group (--per-process=" + std::to_string(per_process) +
            "): a partition cuts between processes");
      if (added)
        hosts[g].push_back(host);
    }
  return hosts;
}

} // namespace

int partition(const settings& s, const std::string& text) {
  auto groups =
      to_hosts(parse_groups(text, s.per_process == 1 ? 250 : 1000), s.per_process);
  if (!netns::available())
    throw std::runtime_error("partition needs root and a cluster started with --netns");
  netns::lan lan{s.id, 0, false};
  lan.partition(groups);
  std::cout << "partitioned " << text << "\n";
  return 0;
}

int heal(const settings& s) {
  if (!netns::available())
    throw std::runtime_error("heal needs root and a cluster started with --netns");
  netns::lan lan{s.id, 0, false};
  lan.heal();
  std::cout << "healed\n";
  return 0;
}

} // namespace gossip::cluster_cmd
