#include "netns.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <stdexcept>

namespace gossip::netns {

int run(const std::vector<std::string>& argv, bool quiet) {
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto pid = ::fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    if (quiet) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, STDOUT_FILENO);
      ::dup2(devnull, STDERR_FILENO);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool available() {
  return ::geteuid() == 0 && run({"ip", "-V"}) == 0;
}

lan::lan(std::string id, size_t hosts, bool owner)
    : id_(std::move(id)), hosts_(hosts), owner_(owner) {
  if (id_.empty() || id_.size() > 8 ||
      id_.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos)
    throw std::invalid_argument("netns id must be 1-8 lowercase letters or digits");
  if ((owner_ && hosts_ == 0) || hosts_ > 250)
    throw std::invalid_argument("between 1 and 250 hosts");
}

lan::~lan() {
  if (owner_)
    destroy();
}

std::string lan::switch_ns() const {
  return "gsp-" + id_ + "-sw";
}

std::string lan::host_ns(size_t i) const {
  return "gsp-" + id_ + "-" + std::to_string(i);
}

std::string lan::host_ip(size_t i) const {
  return "10.213.0." + std::to_string(i + 1);
}

std::vector<std::string> lan::exec_prefix(size_t i) const {
  return {"/usr/bin/env", "ip", "netns", "exec", host_ns(i)};
}

void lan::ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (run(argv) != 0) {
    std::string text;
    for (auto& a : argv)
      text += a + " ";
    throw std::runtime_error("command failed: " + text);
  }
}

void lan::create() {
  destroy(); // leftovers of an earlier run with the same id
  auto sw = switch_ns();
  ip({"netns", "add", sw});
  ip({"-n", sw, "link", "add", "br0", "type", "bridge"});
  ip({"-n", sw, "link", "set", "br0", "up"});
  for (size_t i = 0; i < hosts_; ++i) {
    auto ns = host_ns(i);
    auto port = "p" + std::to_string(i);
    ip({"netns", "add", ns});
    ip({"link", "add", port, "netns", sw, "type", "veth", "peer", "name", "eth0", "netns",
        ns});
    ip({"-n", sw, "link", "set", port, "master", "br0", "up"});
    ip({"-n", ns, "addr", "add", host_ip(i) + "/24", "dev", "eth0"});
    ip({"-n", ns, "link", "set", "eth0", "up"});
    ip({"-n", ns, "link", "set", "lo", "up"});
  }
}

void lan::destroy() {
  for (size_t i = 0; i < hosts_; ++i)
    run({"ip", "netns", "del", host_ns(i)});
  run({"ip", "netns", "del", switch_ns()});
}

void lan::partition(const std::vector<std::vector<size_t>>& groups) {
  auto sw = switch_ns();
  for (size_t g = 0; g < groups.size(); ++g) {
    auto br = "br" + std::to_string(g);
    if (g > 0) {
      run({"ip", "-n", sw, "link", "add", br, "type", "bridge"}); // may exist already
      ip({"-n", sw, "link", "set", br, "up"});
    }
    for (auto i : groups[g]) {
      if (hosts_ > 0 && i >= hosts_)
        throw std::invalid_argument("no host " + std::to_string(i));
      ip({"-n", sw, "link", "set", "p" + std::to_string(i), "master", br});
    }
  }
}

void lan::heal() {
  auto sw = switch_ns();
  // Every port back on br0; without a known size, until there is no next port.
  for (size_t i = 0; hosts_ == 0 || i < hosts_; ++i) {
    auto rc =
        run({"ip", "-n", sw, "link", "set", "p" + std::to_string(i), "master", "br0"});
    if (rc != 0 && hosts_ == 0)
      return;
    if (rc != 0)
      throw std::runtime_error("cannot heal port p" + std::to_string(i));
  }
}

} // namespace gossip::netns
