#include "session.hpp"

#include <csignal>
#include <cstdio>
#include <stdexcept>

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
  spec.bin_dir = s.bin_dir;
  spec.node_args = s.node_args;
  spec.log_dir = s.logs;
  if (s.netns) {
    if (!netns::available())
      throw std::runtime_error(
          "--netns needs root and iproute2 (apt-get install iproute2)");
    lan_ = std::make_unique<netns::lan>(s.id, s.nodes);
    lan_->create();
    spec.lan = lan_.get();
  }
  cluster_ = std::make_unique<proc::process_cluster>(spec);
}

session::~session() {
  cluster_.reset(); // kills any node still running before the LAN goes away
  lan_.reset();
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
