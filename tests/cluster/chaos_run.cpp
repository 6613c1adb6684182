#include "chaos_run.hpp"

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "helpers.hpp"

namespace gossip::chaos {

using namespace std::chrono_literals;

namespace {

constexpr uint16_t port = 7946;

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> result;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object())
      result.push_back(std::move(j));
  }
  return result;
}

std::string seconds(int64_t ms) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(ms) / 1000.0 << " s";
  return out.str();
}

std::string tail(const std::string& path, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in{test::slurp(path)};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::string text;
  for (size_t j = lines.size() > n ? lines.size() - n : 0; j < lines.size(); ++j)
    text += "  " + lines[j] + "\n";
  return text;
}

std::string text(const store_view& s, const std::string& key) {
  auto i = s.find(key);
  if (i == s.end())
    return "nothing";
  return "version " + std::to_string(i->second.version) + " from " + i->second.origin +
         (i->second.tombstone ? " (deleted)" : " '" + i->second.value + "'");
}

// "KEY: A's entry vs B's", for the first key where they differ; or empty.
std::string first_difference(const store_view& a, const store_view& b) {
  auto differ = [&](const std::string& key) {
    return key + ": " + text(a, key) + " vs " + text(b, key);
  };
  for (auto& [key, x] : a)
    if (auto i = b.find(key); i == b.end() || i->second != x)
      return differ(key);
  for (auto& [key, x] : b)
    if (a.count(key) == 0)
      return differ(key);
  return {};
}

proc::cluster_spec spec(const run_options& o, netns::lan& lan) {
  proc::cluster_spec s;
  s.lan = &lan;
  s.nodes = o.nodes;
  s.bin_dir = o.bin_dir;
  s.node_args = {"--interval=200ms", "--fault-injection"};
  if (!o.protocol.empty())
    s.node_args.push_back("--protocol=" + o.protocol);
  s.ctl_args = {"--timeout=2s"};
  s.tls_dir = o.pki_dir;
  s.log_dir = o.log_dir;
  s.ctl_log = o.log_dir + "/ctl.log";
  s.netns_port = port;
  s.data_root = o.data_root;
  return s;
}

} // namespace

run::run(run_options opts, netns::lan& lan)
    : opts_(std::move(opts)), lan_(lan), writes_rng_(opts_.seed ^ 0x5772697465ULL),
      cluster_(spec(opts_, lan)), t0_(proc::process_cluster::now_ms()),
      lives_(opts_.nodes, 0) {}

bool run::start() {
  cluster_.start_all();
  return cluster_.wait_until(
      [&] {
        for (size_t i = 0; i < opts_.nodes; ++i)
          if (cluster_.live_view(i).size() != opts_.nodes)
            return false;
        return true;
      },
      60s);
}

void run::inject(const std::vector<step>& steps, int64_t duration_ms) {
  t0_ = proc::process_cluster::now_ms();
  size_t next = 0;
  for (;;) {
    auto t = elapsed();
    while (next < steps.size() && steps[next].at_ms <= t)
      apply(steps[next++]);
    if (next == steps.size() && t >= duration_ms)
      return;
    if (t < duration_ms)
      write();
    else
      cluster_.pump(50ms);
  }
}

void run::heal_all() {
  say("heal everything");
  for (size_t i = 0; i < opts_.nodes; ++i)
    if (dead_.count(i) == 0 && !cluster_.running(i)) {
      say(node_name(i) + " died without being killed");
      died_.push_back(node_name(i));
      dead_.insert(i);
    }
  lan_.heal();
  for (auto i : paused_)
    cluster_.signal(i, SIGCONT);
  paused_.clear();
  for (auto i : std::set<size_t>{dead_})
    restart(i);
  for (size_t i = 0; i < opts_.nodes; ++i)
    if (ctl(i, {"faults", "0", "0"}) != 0)
      say("could not clear the faults of " + node_name(i));
  heal_ms_ = elapsed();
}

std::string run::converge(std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto problem = check(false);
    if (problem.empty()) {
      say("converged " + seconds(elapsed() - heal_ms_) + " after the heal");
      return {};
    }
    if (problem != last)
      say("waiting: " + problem);
    last = problem;
    cluster_.pump(500ms);
  }
  return check(true);
}

void run::stop() {
  cluster_.stop_all();
}

std::string run::summary() const {
  size_t asserted = 0, by_killed = 0, kept = 0;
  for (auto& a : acks_) {
    asserted += survived(a) ? 1 : 0;
    if (lives_[a.node] == a.life)
      continue;
    ++by_killed;
    auto i = final_.find(a.key);
    kept += i != final_.end() && i->second.version == a.version ? 1 : 0;
  }
  return std::to_string(attempts_) + " writes, " + std::to_string(acks_.size()) +
         " acknowledged, " + std::to_string(asserted) + " asserted (" +
         (opts_.data_root.empty() ? "by nodes never killed afterwards"
                                  : "data dirs: all") +
         "), " + std::to_string(by_killed) +
         " by nodes killed afterwards: " + std::to_string(kept) + " kept, " +
         std::to_string(by_killed - kept) + " lost; degraded nodes dropped " +
         std::to_string(lost_) + " messages";
}

std::string run::crashes() const {
  std::string text;
  for (auto& n : died_)
    text += n + " died; ";
  if (ctl_crashes_ > 0)
    text += std::to_string(ctl_crashes_) + " gossip-ctl calls ended by a signal or hung";
  return text;
}

std::string run::log_tails() const {
  std::string text;
  for (size_t i = 0; i <= opts_.nodes; ++i) {
    auto name = i < opts_.nodes ? node_name(i) + ".log" : std::string{"ctl.log"};
    text += name + ":\n" + tail(opts_.log_dir + "/" + name, 8);
  }
  return text;
}

// A gossip-ctl call that ends by a signal (or hangs past the launcher's 20 s)
// is a bug of its own, counted.
int run::ctl(size_t i, const std::vector<std::string>& args, std::string* out) {
  auto rc = cluster_.ctl(i, args, out);
  if (rc == -1) {
    ++ctl_crashes_;
    auto command = std::find_if(args.begin(), args.end(),
                                [](auto& a) { return a.rfind("--", 0) != 0; });
    say("gossip-ctl " + (command == args.end() ? "" : *command) + " against " +
        node_name(i) + " ended by a signal or hung; its log ends:\n" +
        tail(opts_.log_dir + "/ctl.log", 3));
  }
  return rc;
}

int64_t run::elapsed() const {
  return proc::process_cluster::now_ms() - t0_;
}

void run::say(const std::string& what) const {
  std::cout << "[chaos seed=" << opts_.seed << " " << seconds(elapsed()) << "] " << what
            << std::endl;
}

// A distinct key to a random node, whatever its state: a put to a paused or
// dead node is simply not acknowledged.
void run::write() {
  auto i = uniform_index(writes_rng_, opts_.nodes);
  ack a;
  a.key = "w" + std::to_string(attempts_++);
  a.value = "s" + std::to_string(opts_.seed) + "-" + node_name(i);
  a.node = i;
  a.life = lives_[i];
  std::string out;
  if (ctl(i, {"--format=json", "put", a.key, a.value}, &out) != 0)
    return;
  auto reply = json_lines(out);
  if (reply.empty() || !reply[0].value("ok", false))
    return;
  a.version = reply[0].value("version", uint64_t{0});
  a.at_ms = elapsed();
  acks_.push_back(std::move(a));
}

// The same name and address, all other nodes as seeds (some may be away).
void run::restart(size_t i) {
  std::string seeds;
  for (size_t j = 0; j < opts_.nodes; ++j)
    if (j != i)
      seeds += (seeds.empty() ? "" : ",") + lan_.host_ip(j) + ":" + std::to_string(port);
  cluster_.launch(i, i, {"--seeds=" + seeds});
  if (!cluster_.wait_listening(i, 20s))
    say(node_name(i) + " did not listen again");
  ++lives_[i];
  dead_.erase(i);
}

void run::apply(const step& s) {
  say(to_string(s));
  switch (s.kind) {
  case step_kind::partition:
    lan_.partition(s.groups);
    break;
  case step_kind::heal:
    lan_.heal();
    break;
  case step_kind::pause:
    cluster_.signal(s.node, SIGSTOP);
    paused_.insert(s.node);
    break;
  case step_kind::resume:
    cluster_.signal(s.node, SIGCONT);
    paused_.erase(s.node);
    break;
  case step_kind::kill:
    cluster_.kill(s.node);
    dead_.insert(s.node);
    break;
  case step_kind::restart:
    restart(s.node);
    break;
  case step_kind::degrade:
  case step_kind::restore:
    if (ctl(s.node, {"faults", std::to_string(s.loss), std::to_string(s.delay_rounds)}) !=
        0)
      say("  (" + node_name(s.node) + " did not take it)");
    if (s.kind == step_kind::restore)
      lost_ += messages_lost(s.node);
    break;
  }
}

// What node i's fault layer dropped in this life (its counter `lost`).
uint64_t run::messages_lost(size_t i) {
  std::string out;
  if (ctl(i, {"--format=json", "stats"}, &out) != 0)
    return 0;
  auto j = json_lines(out);
  return j.empty() ? 0 : j[0].value("lost", uint64_t{0});
}

// Empty when node i sees every node alive, else what it sees.
std::string run::membership_problem(size_t i) {
  std::string out;
  if (ctl(i, {"--format=json", "members"}, &out) != 0)
    return node_name(i) + " did not answer members";
  std::set<std::string> alive;
  std::string others;
  for (auto& m : json_lines(out)) {
    auto name = m.value("name", ""), status = m.value("status", "");
    if (status == "alive")
      alive.insert(name);
    else
      others += " " + name + " " + status;
  }
  if (alive.size() == opts_.nodes && others.empty())
    return {};
  return node_name(i) + " sees " + std::to_string(alive.size()) + " alive" + others;
}

bool run::dump(size_t i, store_view& into) {
  std::string out;
  if (ctl(i, {"--format=json", "dump"}, &out) != 0)
    return false;
  into.clear();
  for (auto& e : json_lines(out))
    into[e.value("key", "")] =
        held{e.value("version", uint64_t{0}), e.value("origin", ""), e.value("value", ""),
             e.value("tombstone", false)};
  return true;
}

// Empty when converged: all alive everywhere, one store content, and every
// asserted write in it as it was acknowledged. Else the first problem, or
// with `all` every one found (at most a dozen writes), for the report.
std::string run::check(bool all) {
  std::vector<std::string> problems;
  auto found = [&](std::string p) {
    problems.push_back(std::move(p));
    return !all;
  };
  auto n = opts_.nodes;
  for (size_t i = 0; i < n; ++i)
    if (auto p = membership_problem(i); !p.empty() && found(p))
      return problems[0];
  std::vector<store_view> stores(n);
  for (size_t i = 0; i < n; ++i)
    if (!dump(i, stores[i]) && found(node_name(i) + " did not answer dump"))
      return problems[0];
  final_ = stores[0];
  for (size_t i = 1; i < n; ++i)
    if (auto d = first_difference(stores[0], stores[i]);
        !d.empty() &&
        found("n1 and " + node_name(i) + " differ (" + std::to_string(stores[0].size()) +
              " vs " + std::to_string(stores[i].size()) + " entries), first at " + d))
      return problems[0];
  for (auto& a : acks_) {
    if (!survived(a))
      continue;
    std::string lacking;
    for (size_t i = 0; i < n; ++i)
      if (auto e = stores[i].find(a.key);
          e == stores[i].end() ||
          e->second != held{a.version, node_name(a.node), a.value, false})
        lacking += " " + node_name(i);
    if (!lacking.empty() &&
        found(a.key + "@" + std::to_string(a.version) + " acknowledged by " +
              node_name(a.node) + " at " + seconds(a.at_ms) + " is missing on" + lacking))
      return problems[0];
    if (problems.size() > 12)
      break;
  }
  std::string result;
  for (auto& p : problems)
    result += (result.empty() ? "" : "\n") + p;
  return result;
}

std::string describe(uint64_t seed, const std::vector<step>& steps,
                     const run_options& o) {
  std::string text = "seed " + std::to_string(seed) + ", schedule:\n";
  for (auto& s : steps)
    text += "  " + to_string(s) + "\n";
  std::string knobs;
  if (!o.protocol.empty())
    knobs += "GOSSIP_CHAOS_PROTOCOL=" + o.protocol + " ";
  if (!o.data_root.empty())
    knobs += "GOSSIP_CHAOS_DATA_DIR=1 ";
  return text + "rerun: " + knobs + "GOSSIP_CHAOS_SEED=" + std::to_string(seed) +
         " build/bin/cluster_test --gtest_filter='Seeds/Chaos.*seed1'\n";
}

} // namespace gossip::chaos
