// What the multi-process tests share: a program run to its end (exit code,
// stdout lines, stderr), scratch directories, a cluster's certificates made
// with `gossip-ctl certs`, and what tests ask of a process_cluster.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "process.hpp"
#include "process_cluster.hpp"

namespace gossip::test {

inline std::string bin(const std::string& program) {
  return std::string{GOSSIP_BIN_DIR} + "/" + program;
}

/// A fresh directory in /tmp, removed with its contents at the end.
struct scratch_dir {
  std::string path;
  scratch_dir() {
    char tmpl[] = "/tmp/gossip-test-XXXXXX";
    if (::mkdtemp(tmpl))
      path = tmpl;
  }
  ~scratch_dir() {
    std::error_code ignored;
    if (!path.empty())
      std::filesystem::remove_all(path, ignored);
  }
  std::string operator/(const std::string& file) const { return path + "/" + file; }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

struct outcome {
  int code = -1; // exit code; -1 for a signal or no exit within the limit
  bool in_time = true;
  std::chrono::milliseconds took{0};
  std::vector<std::string> out;
  std::string err;
};

/// Runs `argv` (standard input from `in`, if given) until it exits or
/// `limit` passes (then it is killed: in_time is false).
inline outcome run(const std::vector<std::string>& argv,
                   std::chrono::milliseconds limit = std::chrono::seconds(60),
                   const std::string& in = {}) {
  scratch_dir tmp;
  auto err_path = tmp / "stderr";
  outcome r;
  auto t0 = std::chrono::steady_clock::now();
  auto deadline = t0 + limit;
  proc::child c{argv, err_path, in};
  while (c.read_lines(r.out) && std::chrono::steady_clock::now() < deadline)
    proc::wait_readable({c.out_fd()}, std::chrono::milliseconds(20));
  while (c.running() && std::chrono::steady_clock::now() < deadline)
    proc::wait_readable({}, std::chrono::milliseconds(10));
  r.in_time = !c.running();
  auto status = c.stop(std::chrono::milliseconds(100));
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t0);
  c.read_lines(r.out);
  r.code = r.in_time && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_path);
  return r;
}

/// gossip-node with `args`: it must exit 2 with one line on stderr matching
/// `why`, and never print that it listens.
inline void expect_refused(const std::vector<std::string>& args, const std::string& why) {
  std::vector<std::string> argv{bin("gossip-node")};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv, std::chrono::seconds(30));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << "printed: " << (r.out.empty() ? "" : r.out[0]);
  EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

/// `gossip-ctl certs WORDS --dir=DIR`; its exit code.
inline int certs(const std::string& dir, std::vector<std::string> words) {
  words.insert(words.begin(), {bin("gossip-ctl"), "certs"});
  words.push_back("--dir=" + dir);
  return run(words).code;
}

/// A CA in `dir` and what a process_cluster with tls_dir = dir uses: node
/// certificates n1..nN and the client certificate "ctl". False on failure.
inline bool make_cluster_pki(const std::string& dir, size_t nodes) {
  if (certs(dir, {"init"}) != 0)
    return false;
  for (size_t i = 1; i <= nodes; ++i)
    if (certs(dir, {"node", "n" + std::to_string(i)}) != 0)
      return false;
  return certs(dir, {"client", "ctl"}) == 0;
}

/// n gossip-node processes with 200 ms rounds (default protocols).
inline proc::cluster_spec spec(size_t n) {
  proc::cluster_spec s;
  s.nodes = n;
  s.bin_dir = GOSSIP_BIN_DIR;
  s.node_args = {"--interval=200ms"};
  return s;
}

/// Every running node counts exactly n members alive or suspect.
inline bool all_see(proc::process_cluster& c, size_t n) {
  for (size_t i = 0; i < c.size(); ++i)
    if (c.running(i) && c.live_view(i).size() != n)
      return false;
  return true;
}

/// Reads what a child gossip-node (run with --events=json) printed since
/// the last call; returns how many of those lines are events of `kind`.
inline size_t read_events_of(proc::child& c, event_kind kind) {
  std::vector<std::string> lines;
  c.read_lines(lines);
  size_t n = 0;
  for (auto& line : lines)
    if (auto ev = event_from_json(line); ev && ev->kind == kind)
      ++n;
  return n;
}

/// Events of `kind` in every node's stream (about `peer`, unless empty).
inline size_t count_events(proc::process_cluster& c, event_kind kind,
                           const std::string& peer = {}) {
  size_t n = 0;
  for (size_t i = 0; i < c.size(); ++i)
    for (auto& ev : c.events(i))
      n += ev.kind == kind && (peer.empty() || ev.peer == peer) ? 1 : 0;
  return n;
}

inline uint16_t port_of(const std::string& address) {
  return static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

} // namespace gossip::test
