// partition / heal: steer the LAN of a running `gossip-cluster up --netns`.
#include <iostream>
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

} // namespace

int partition(const settings& s, const std::string& text) {
  if (!netns::available())
    throw std::runtime_error("partition needs root and a cluster started with --netns");
  auto groups = parse_groups(text, 250);
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
