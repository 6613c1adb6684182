#include "process_cluster.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "gossip/address.hpp"

namespace gossip::proc {

namespace {

// gossip-node's line with --events=json that says where a node listens (not
// an event): {"event":"listening","node":NAME,"address":"HOST:PORT","pid":PID}.
std::optional<std::pair<std::string, host_port>>
listening_address(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  auto kind = j.find("event");
  auto node = j.find("node");
  auto address = j.find("address");
  if (kind == j.end() || *kind != "listening" || address == j.end() ||
      !address->is_string() || node == j.end() || !node->is_string())
    return std::nullopt;
  auto hp = parse_host_port(address->get<std::string>());
  if (!hp)
    return std::nullopt;
  return std::make_pair(node->get<std::string>(), *hp);
}

std::string joined(const std::vector<std::string>& xs) {
  std::string result;
  for (auto& x : xs)
    result += (result.empty() ? "" : ",") + x;
  return result;
}

} // namespace

process_cluster::process_cluster(cluster_spec spec) : spec_(std::move(spec)) {
  if (spec_.nodes == 0)
    throw std::invalid_argument("a cluster needs at least one node");
  if (spec_.per_process == 0)
    throw std::invalid_argument("a process hosts at least one node");
  if (spec_.per_process > 1 && !spec_.data_root.empty())
    throw std::invalid_argument("a data directory keeps one node: one node per process");
  nodes_.resize(spec_.nodes);
  procs_.resize((spec_.nodes + spec_.per_process - 1) / spec_.per_process);
}

process_cluster::~process_cluster() {
  for (auto& p : procs_)
    if (p)
      p->kill();
}

size_t process_cluster::index(const std::string& name) const {
  // n1 .. nN: read the number rather than compare N names.
  size_t pos = 0;
  unsigned long n = 0;
  try {
    n = name.size() > 1 && name[0] == 'n' && name[1] != '0'
            ? std::stoul(name.substr(1), &pos)
            : 0;
  } catch (const std::exception&) {
  }
  if (n == 0 || pos + 1 != name.size() || n > size())
    throw std::invalid_argument("no node named '" + name + "'");
  return n - 1;
}

size_t process_cluster::nodes_of(size_t p) const {
  return std::min(spec_.per_process, size() - first_node(p));
}

std::vector<size_t> process_cluster::siblings(size_t i) const {
  std::vector<size_t> result;
  auto p = process_of(i);
  for (size_t k = 0; k < nodes_of(p); ++k)
    result.push_back(first_node(p) + k);
  return result;
}

bool process_cluster::running(size_t i) const {
  auto& p = procs_[process_of(i)];
  return p && p->running();
}

pid_t process_cluster::pid(size_t i) const {
  auto& p = procs_[process_of(i)];
  return p ? p->pid() : -1;
}

int64_t process_cluster::now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> process_cluster::command_prefix(size_t i) const {
  return spec_.lan ? spec_.lan->exec_prefix(process_of(i)) : std::vector<std::string>{};
}

std::vector<std::string> process_cluster::tls_args(const std::string& name) const {
  if (spec_.tls_dir.empty())
    return {};
  auto& dir = spec_.tls_dir;
  return {"--tls", "--tls-cert=" + dir + "/" + name + ".pem",
          "--tls-key=" + dir + "/" + name + ".key", "--tls-ca=" + dir + "/ca.pem"};
}

// One node: --name=n3 --port=P as ever. Several: --nodes=K, their names and
// ports as lists (in netns mode consecutive ports on the process's address).
std::vector<std::string> process_cluster::node_options(size_t p) const {
  auto first = first_node(p);
  auto k = nodes_of(p);
  std::vector<std::string> names, ports;
  for (size_t j = first; j < first + k; ++j) {
    names.push_back(name(j));
    ports.push_back(std::to_string(spec_.lan ? spec_.netns_port + (j - first)
                                             : nodes_[j].port)); // 0 the first time
  }
  std::vector<std::string> argv{"--name=" + joined(names)};
  if (k > 1)
    argv.push_back("--nodes=" + std::to_string(k));
  if (spec_.lan)
    argv.push_back("--host=" + spec_.lan->host_ip(p));
  argv.push_back("--port=" + joined(ports));
  return argv;
}

void process_cluster::launch(size_t i, size_t seed,
                             const std::vector<std::string>& extra) {
  auto p = process_of(i);
  if (running(i))
    throw std::logic_error(name(i) + " is already running");
  auto argv = command_prefix(i);
  argv.push_back(spec_.bin_dir + "/gossip-node");
  auto opts = node_options(p);
  argv.insert(argv.end(), opts.begin(), opts.end());
  argv.push_back("--events=json");
  if (seed < size() && process_of(seed) != p && !nodes_[seed].address.empty())
    argv.push_back("--seeds=" + nodes_[seed].address);
  argv.insert(argv.end(), spec_.node_args.begin(), spec_.node_args.end());
  if (!spec_.data_root.empty())
    argv.push_back("--data-dir=" + spec_.data_root + "/" + name(i));
  // A process presents one certificate for all its nodes: its first node's.
  auto tls = tls_args(name(first_node(p)));
  argv.insert(argv.end(), tls.begin(), tls.end());
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto log = spec_.log_dir.empty() ? std::string{}
                                   : spec_.log_dir + "/" + name(first_node(p)) + ".log";
  procs_[p] = std::make_unique<child>(argv, log);
  for (auto j : siblings(i)) {
    nodes_[j].events.clear();
    nodes_[j].member_state.clear();
    nodes_[j].address.clear();
  }
}

bool process_cluster::wait_listening(size_t i, std::chrono::milliseconds timeout) {
  auto all_listen = [&] {
    for (auto j : siblings(i))
      if (nodes_[j].address.empty())
        return false;
    return true;
  };
  wait_until([&] { return all_listen() || !running(i); }, timeout);
  return all_listen();
}

void process_cluster::start(size_t i, std::chrono::milliseconds timeout) {
  // The first node of another running process is the seed.
  size_t seed = size();
  for (size_t j = 0; j < size() && seed == size(); ++j)
    if (process_of(j) != process_of(i) && running(j) && !nodes_[j].address.empty())
      seed = j;
  launch(i, seed);
  if (!wait_listening(i, timeout))
    throw std::runtime_error(name(i) + " did not start listening");
}

void process_cluster::start_all() {
  for (size_t p = 0; p < processes(); ++p)
    start(first_node(p));
}

void process_cluster::signal(size_t i, int sig) {
  if (auto& p = procs_[process_of(i)])
    p->signal(sig);
}

void process_cluster::kill(size_t i) {
  if (auto& p = procs_[process_of(i)]) {
    read_all();
    p->kill();
  }
}

void process_cluster::stop(size_t i) {
  if (auto& p = procs_[process_of(i)]) {
    p->stop();
    read_all();
  }
}

void process_cluster::stop_all() {
  for (size_t p = 0; p < processes(); ++p)
    signal(first_node(p), SIGTERM);
  for (size_t p = 0; p < processes(); ++p)
    stop(first_node(p));
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
    for (auto& p : procs_)
      if (p && p->running())
        fds.push_back(p->out_fd());
    wait_readable(fds, std::min(left, std::chrono::milliseconds(50)));
  }
}

void process_cluster::pump(std::chrono::milliseconds d) {
  wait_until([] { return false; }, d);
}

void process_cluster::read_all() {
  for (size_t p = 0; p < procs_.size(); ++p) {
    if (!procs_[p])
      continue;
    std::vector<std::string> lines;
    procs_[p]->read_lines(lines);
    for (auto& line : lines)
      handle_line(p, line);
  }
}

size_t process_cluster::hosted(size_t p, const std::string& name) const {
  if (spec_.per_process == 1)
    return p; // whatever name its options gave it, as before --per-process
  try {
    auto i = index(name);
    return process_of(i) == p ? i : npos;
  } catch (const std::invalid_argument&) {
    return npos;
  }
}

// Each line names its node: route it to that node's stream.
void process_cluster::handle_line(size_t p, const std::string& line) {
  if (auto ev = event_from_json(line)) {
    auto i = hosted(p, ev->node);
    if (i == npos)
      return;
    auto& n = nodes_[i];
    if (is_member_event(ev->kind))
      n.member_state[ev->peer] = ev->kind;
    n.events.push_back(std::move(*ev));
    if (on_event)
      on_event(i, n.events.back());
  } else if (auto listening = listening_address(line)) {
    auto i = hosted(p, listening->first);
    if (i == npos)
      return;
    nodes_[i].address = to_string(listening->second);
    nodes_[i].port = listening->second.port;
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
