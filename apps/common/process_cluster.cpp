#include "process_cluster.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "gossip/address.hpp"

namespace gossip::proc {

namespace {

// gossip-node's first line with --events=json (not an event):
// {"event":"listening","node":NAME,"address":"HOST:PORT","pid":PID}.
std::optional<host_port> listening_address(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  auto kind = j.find("event");
  auto address = j.find("address");
  if (kind == j.end() || *kind != "listening" || address == j.end() ||
      !address->is_string())
    return std::nullopt;
  return parse_host_port(address->get<std::string>());
}

} // namespace

process_cluster::process_cluster(cluster_spec spec) : spec_(std::move(spec)) {
  if (spec_.nodes == 0)
    throw std::invalid_argument("a cluster needs at least one node");
  nodes_.resize(spec_.nodes);
}

process_cluster::~process_cluster() {
  for (auto& n : nodes_)
    if (n.proc)
      n.proc->kill();
}

size_t process_cluster::index(const std::string& name) const {
  for (size_t i = 0; i < size(); ++i)
    if (this->name(i) == name)
      return i;
  throw std::invalid_argument("no node named '" + name + "'");
}

bool process_cluster::running(size_t i) const {
  return nodes_[i].proc && nodes_[i].proc->running();
}

pid_t process_cluster::pid(size_t i) const {
  return nodes_[i].proc ? nodes_[i].proc->pid() : -1;
}

int64_t process_cluster::now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> process_cluster::command_prefix(size_t i) const {
  return spec_.lan ? spec_.lan->exec_prefix(i) : std::vector<std::string>{};
}

std::vector<std::string> process_cluster::tls_args(const std::string& name) const {
  if (spec_.tls_dir.empty())
    return {};
  auto& dir = spec_.tls_dir;
  return {"--tls", "--tls-cert=" + dir + "/" + name + ".pem",
          "--tls-key=" + dir + "/" + name + ".key", "--tls-ca=" + dir + "/ca.pem"};
}

void process_cluster::launch(size_t i, size_t seed,
                             const std::vector<std::string>& extra) {
  auto& n = nodes_[i];
  if (running(i))
    throw std::logic_error(name(i) + " is already running");
  auto argv = command_prefix(i);
  argv.push_back(spec_.bin_dir + "/gossip-node");
  argv.push_back("--name=" + name(i));
  argv.push_back("--events=json");
  if (spec_.lan) {
    argv.push_back("--host=" + spec_.lan->host_ip(i));
    argv.push_back("--port=" + std::to_string(spec_.netns_port));
  } else {
    argv.push_back("--port=" + std::to_string(n.port)); // 0 the first time
  }
  if (seed != i && seed < size() && !nodes_[seed].address.empty())
    argv.push_back("--seeds=" + nodes_[seed].address);
  argv.insert(argv.end(), spec_.node_args.begin(), spec_.node_args.end());
  if (!spec_.data_root.empty())
    argv.push_back("--data-dir=" + spec_.data_root + "/" + name(i));
  auto tls = tls_args(name(i));
  argv.insert(argv.end(), tls.begin(), tls.end());
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto log =
      spec_.log_dir.empty() ? std::string{} : spec_.log_dir + "/" + name(i) + ".log";
  n.proc = std::make_unique<child>(argv, log);
  n.events.clear();
  n.member_state.clear();
  n.address.clear();
}

bool process_cluster::wait_listening(size_t i, std::chrono::milliseconds timeout) {
  auto& n = nodes_[i];
  wait_until([&] { return !n.address.empty() || !n.proc->running(); }, timeout);
  return !n.address.empty();
}

void process_cluster::start(size_t i, std::chrono::milliseconds timeout) {
  // The first other running node is the seed.
  size_t seed = i;
  for (size_t j = 0; j < size() && seed == i; ++j)
    if (j != i && running(j) && !nodes_[j].address.empty())
      seed = j;
  launch(i, seed);
  if (!wait_listening(i, timeout))
    throw std::runtime_error(name(i) + " did not start listening");
}

void process_cluster::start_all() {
  start(0);
  for (size_t i = 1; i < size(); ++i)
    start(i);
}

void process_cluster::signal(size_t i, int sig) {
  if (nodes_[i].proc)
    nodes_[i].proc->signal(sig);
}

void process_cluster::kill(size_t i) {
  if (nodes_[i].proc) {
    read_all();
    nodes_[i].proc->kill();
  }
}

void process_cluster::stop(size_t i) {
  if (nodes_[i].proc) {
    nodes_[i].proc->stop();
    read_all();
  }
}

void process_cluster::stop_all() {
  for (size_t i = 0; i < size(); ++i)
    signal(i, SIGTERM);
  for (size_t i = 0; i < size(); ++i)
    stop(i);
}

bool process_cluster::wait_until(const std::function<bool()>& done,
                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    read_all();
    if (done())
      return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    std::vector<int> fds;
    for (auto& n : nodes_)
      if (n.proc && n.proc->running())
        fds.push_back(n.proc->out_fd());
    wait_readable(fds, std::min(left, std::chrono::milliseconds(50)));
  }
}

void process_cluster::pump(std::chrono::milliseconds d) {
  wait_until([] { return false; }, d);
}

void process_cluster::read_all() {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto& n = nodes_[i];
    if (!n.proc)
      continue;
    std::vector<std::string> lines;
    n.proc->read_lines(lines);
    for (auto& line : lines)
      handle_line(i, line);
  }
}

void process_cluster::handle_line(size_t i, const std::string& line) {
  auto& n = nodes_[i];
  if (auto ev = event_from_json(line)) {
    if (is_member_event(ev->kind))
      n.member_state[ev->peer] = ev->kind;
    n.events.push_back(std::move(*ev));
    if (on_event)
      on_event(i, n.events.back());
  } else if (auto address = listening_address(line)) {
    n.address = to_string(*address);
    n.port = address->port;
    if (on_listening)
      on_listening(i);
  }
}

std::set<std::string> process_cluster::live_view(size_t i) const {
  std::set<std::string> result{name(i)};
  for (auto& [peer, kind] : nodes_[i].member_state)
    if (kind == event_kind::member_up || kind == event_kind::member_suspect)
      result.insert(peer);
  return result;
}

std::optional<event_kind>
process_cluster::last_member_event(size_t i, const std::string& peer) const {
  auto j = nodes_[i].member_state.find(peer);
  if (j == nodes_[i].member_state.end())
    return std::nullopt;
  return j->second;
}

int process_cluster::ctl(size_t i, const std::vector<std::string>& args, std::string* out,
                         const std::string& stdin_path) {
  auto argv = command_prefix(i);
  argv.push_back(spec_.bin_dir + "/gossip-ctl");
  argv.push_back("--node=" + nodes_[i].address);
  argv.insert(argv.end(), spec_.ctl_args.begin(), spec_.ctl_args.end());
  auto tls = tls_args("ctl");
  argv.insert(argv.end(), tls.begin(), tls.end());
  argv.insert(argv.end(), args.begin(), args.end());
  child c{argv, spec_.ctl_log, stdin_path};
  std::vector<std::string> lines;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (c.read_lines(lines) && std::chrono::steady_clock::now() < deadline) {
    read_all(); // keep the nodes' pipes drained meanwhile
    wait_readable({c.out_fd()}, std::chrono::milliseconds(20));
  }
  auto status = c.stop(std::chrono::milliseconds(100));
  if (out)
    for (auto& l : lines)
      *out += l + "\n";
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace gossip::proc
