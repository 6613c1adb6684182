#include "session.hpp"

#include <stdlib.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "certs.hpp"

namespace gossip::cluster_cmd {

namespace {

volatile std::sig_atomic_t stop_requested = 0;

} // namespace

bool interrupted() {
  return stop_requested != 0;
}

void install_signal_handlers() {
  std::signal(SIGINT, [](int) { stop_requested = 1; });
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  // Output piped into `head` that has gone: wind down and stop the nodes.
  std::signal(SIGPIPE, [](int) { stop_requested = 1; });
}

session::session(const settings& s) {
  install_signal_handlers();
  proc::cluster_spec spec;
  spec.nodes = s.nodes;
  spec.per_process = s.per_process;
  spec.bin_dir = s.bin_dir;
  spec.node_args = s.node_args;
  spec.log_dir = s.logs;
  if (s.netns) {
    if (!netns::available())
      throw std::runtime_error(
          "--netns needs root and iproute2 (apt-get install iproute2)");
    lan_ = std::make_unique<netns::lan>(s.id, s.processes()); // a host per process
    lan_->create();
    spec.lan = lan_.get();
    if (s.insecure) {
      spec.node_args.push_back("--insecure");
    } else {
      auto tmpl =
          (std::filesystem::temp_directory_path() / "gossip-cluster-XXXXXX").string();
      if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("cannot make a directory for the certificates in " +
                                 std::filesystem::temp_directory_path().string());
      tls_dir_.path = spec.tls_dir = tmpl;
    }
  }
  cluster_ = std::make_unique<proc::process_cluster>(spec);
  // Off loopback the nodes talk TLS: a CA for this run only, a certificate
  // per process (named after its first node: CAF's OpenSSL module has one
  // per actor system) and a client certificate for gossip-ctl.
  if (!tls_dir_.path.empty()) {
    certs::init(tls_dir_.path);
    for (size_t p = 0; p < cluster_->processes(); ++p)
      certs::issue(tls_dir_.path, cluster_->name(cluster_->first_node(p)),
                   certs::kind::node);
    certs::issue(tls_dir_.path, "ctl", certs::kind::client);
  }
}

session::~session() {
  cluster_.reset(); // kills any node still running before the LAN goes away
  lan_.reset();
}

session::scratch_dir::~scratch_dir() {
  std::error_code ignored;
  if (!path.empty())
    std::filesystem::remove_all(path, ignored);
}

bool session::wait(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  return cluster_->wait_until([&] { return interrupted() || done(); }, timeout) &&
         !interrupted();
}

std::string pretty_ms(int64_t ms) {
  char buf[32];
  if (ms < 1000)
    std::snprintf(buf, sizeof(buf), "%lld ms", static_cast<long long>(ms));
  else
    std::snprintf(buf, sizeof(buf), "%.2f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

} // namespace gossip::cluster_cmd
