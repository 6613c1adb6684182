// How many links a cluster keeps: per node, the peers it keeps a route to
// (its peer view, from its membership events); per process, its established
// TCP connections, from /proc: the process's socket inodes (/proc/PID/fd)
// matched against its network namespace's TCP tables (/proc/PID/net/tcp and
// tcp6). The multiplexing of P nodes' routes over one connection per pair of
// processes shows as the gap between the two.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "bench.hpp"

namespace gossip::bench {

namespace {

// Inodes of the sockets process `pid` holds open ("socket:[12345]").
std::set<std::string> socket_inodes(pid_t pid) {
  std::set<std::string> inodes;
  auto dir = "/proc/" + std::to_string(pid) + "/fd";
  auto d = ::opendir(dir.c_str());
  if (!d)
    return inodes;
  while (auto e = ::readdir(d)) {
    char target[64];
    auto n = ::readlink((dir + "/" + e->d_name).c_str(), target, sizeof(target) - 1);
    if (n <= 0)
      continue;
    std::string link{target, static_cast<size_t>(n)};
    if (link.rfind("socket:[", 0) == 0 && link.back() == ']')
      inodes.insert(link.substr(8, link.size() - 9));
  }
  ::closedir(d);
  return inodes;
}

// Rows of a /proc/net/tcp table in state 01 (ESTABLISHED) whose inode (the
// tenth column) is one of `inodes`.
size_t established(const std::string& table, const std::set<std::string>& inodes) {
  std::ifstream in{table};
  std::string line;
  std::getline(in, line); // the header
  size_t n = 0;
  while (std::getline(in, line)) {
    std::istringstream row{line};
    std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
    if (row >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >>
            timeout >> inode &&
        state == "01" && inodes.count(inode) > 0)
      ++n;
  }
  return n;
}

} // namespace

size_t tcp_connections(pid_t pid) {
  auto inodes = socket_inodes(pid);
  auto net = "/proc/" + std::to_string(pid) + "/net/";
  return established(net + "tcp", inodes) + established(net + "tcp6", inodes);
}

void measure_links(proc::process_cluster& c, trial& t) {
  int64_t per_node = 0, per_process = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i))
      per_node =
          std::max<int64_t>(per_node, static_cast<int64_t>(c.live_view(i).size()) - 1);
  for (size_t p = 0; p < c.processes(); ++p)
    if (c.running(c.first_node(p)))
      per_process = std::max<int64_t>(
          per_process, static_cast<int64_t>(tcp_connections(c.pid(c.first_node(p)))));
  t.connections_per_node_max = per_node;
  t.tcp_connections_per_process = per_process;
}

} // namespace gossip::bench
