// The chaos test: five TLS nodes, each in its own network namespace, take
// writes while a seeded schedule partitions the LAN, pauses (SIGSTOP), kills
// (SIGKILL) and restarts nodes under the same name and address, and degrades
// nodes through their own fault layer (this kernel has no netem). After
// everything heals: every write acknowledged by a node that was not SIGKILLed
// afterwards is on every node, and all nodes agree on the members (all alive)
// and on the whole store. Writes acknowledged by a node killed later are
// reported, not asserted (durability across kills is issue #9's).
//
// Root and iproute2 only; skipped otherwise. GOSSIP_CHAOS_SEED=N runs seed N
// alone (in the first instance; the others skip).
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "chaos_schedule.hpp"
#include "gossip/rng.hpp"
#include "helpers.hpp"
#include "netns.hpp"
#include "process_cluster.hpp"

using namespace gossip;
using namespace gossip::chaos;
using namespace std::chrono_literals;

namespace {

constexpr size_t nodes = 5;
constexpr uint16_t port = 7946;

/// A write some node acknowledged: which process of it (its life) and when.
struct ack {
  std::string key;
  std::string value;
  size_t node = 0;
  size_t life = 0;
  uint64_t version = 0;
  int64_t at_ms = 0;
};

/// One entry as `gossip-ctl dump` reports it.
struct held {
  uint64_t version = 0;
  std::string origin;
  std::string value;
  bool tombstone = false;
  bool operator==(const held& o) const {
    return version == o.version && origin == o.origin && value == o.value &&
           tombstone == o.tombstone;
  }
  bool operator!=(const held& o) const { return !(*this == o); }
};

using store_view = std::map<std::string, held>;

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

class chaos_run {
public:
  chaos_run(uint64_t seed, netns::lan& lan, const std::string& pki,
            const std::string& logs)
      : seed_(seed), lan_(lan), writes_rng_(seed ^ 0x5772697465ULL),
        cluster_(spec(lan, pki, logs)), logs_(logs) {}

  bool start() {
    cluster_.start_all();
    return cluster_.wait_until(
        [&] {
          for (size_t i = 0; i < nodes; ++i)
            if (cluster_.live_view(i).size() != nodes)
              return false;
          return true;
        },
        60s);
  }

  /// The chaos phase: the schedule's steps when due, writes in between.
  void inject(const std::vector<step>& steps, int64_t duration_ms) {
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

  /// Whatever the schedule left: one LAN, every node running, no loss.
  void heal_all() {
    say("heal everything");
    for (size_t i = 0; i < nodes; ++i)
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
    for (size_t i = 0; i < nodes; ++i)
      if (ctl(i, {"faults", "0", "0"}) != 0)
        say("could not clear the faults of " + node_name(i));
    heal_ms_ = elapsed();
  }

  /// Polls until every node agrees and holds every asserted write, or
  /// `bound` passes; empty when it converged, else what was still wrong.
  std::string converge(std::chrono::milliseconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    std::string problem;
    while (std::chrono::steady_clock::now() < deadline) {
      problem = check();
      if (problem.empty()) {
        say("converged " + seconds(elapsed() - heal_ms_) + " after the heal");
        return {};
      }
      cluster_.pump(500ms);
    }
    return check(true);
  }

  /// What the writes came to, in one line.
  std::string summary() const {
    size_t asserted = 0, by_killed = 0, kept = 0;
    for (auto& a : acks_) {
      if (survived(a)) {
        ++asserted;
        continue;
      }
      ++by_killed;
      auto i = final_.find(a.key);
      kept += i != final_.end() && i->second.version == a.version ? 1 : 0;
    }
    return std::to_string(attempts_) + " writes, " + std::to_string(acks_.size()) +
           " acknowledged, " + std::to_string(asserted) +
           " by nodes never killed afterwards (asserted), " + std::to_string(by_killed) +
           " by nodes killed afterwards: " + std::to_string(kept) +
           " on every node anyway, " + std::to_string(by_killed - kept) +
           " lost; degraded nodes dropped " + std::to_string(lost_) + " messages";
  }

  /// Messages the degraded nodes' fault layers dropped, all told.
  uint64_t dropped() const { return lost_; }

  void stop() { cluster_.stop_all(); }

  /// Processes that ended on their own: nodes, gossip-ctl calls.
  std::string crashes() const {
    std::string text;
    for (auto& n : died_)
      text += n + " died; ";
    if (ctl_crashes_ > 0)
      text +=
          std::to_string(ctl_crashes_) + " gossip-ctl calls ended by a signal or hung";
    return text;
  }

  /// The last lines of every log (nodes' and gossip-ctl's stderr).
  std::string log_tails() const {
    std::string text;
    for (size_t i = 0; i <= nodes; ++i) {
      auto name = i < nodes ? node_name(i) + ".log" : std::string{"ctl.log"};
      text += name + ":\n" + tail(logs_ + "/" + name, 8);
    }
    return text;
  }

private:
  static proc::cluster_spec spec(netns::lan& lan, const std::string& pki,
                                 const std::string& logs) {
    proc::cluster_spec s;
    s.lan = &lan;
    s.nodes = nodes;
    s.bin_dir = GOSSIP_BIN_DIR;
    s.node_args = {"--interval=200ms", "--fault-injection"};
    if (auto protocol = std::getenv("GOSSIP_CHAOS_PROTOCOL"))
      s.node_args.push_back(std::string{"--protocol="} + protocol);
    s.ctl_args = {"--timeout=2s"};
    s.tls_dir = pki;
    s.log_dir = logs;
    s.ctl_log = logs + "/ctl.log";
    s.netns_port = port;
    return s;
  }

  static std::string tail(const std::string& path, size_t n) {
    std::vector<std::string> lines;
    std::istringstream in{test::slurp(path)};
    for (std::string line; std::getline(in, line);)
      lines.push_back(line);
    std::string text;
    for (size_t j = lines.size() > n ? lines.size() - n : 0; j < lines.size(); ++j)
      text += "  " + lines[j] + "\n";
    return text;
  }

  // gossip-ctl against node i; one that ends by a signal (or hangs past the
  // launcher's 20 s) is a bug of its own, counted.
  int ctl(size_t i, const std::vector<std::string>& args, std::string* out = nullptr) {
    auto rc = cluster_.ctl(i, args, out);
    if (rc == -1) {
      ++ctl_crashes_;
      auto command = std::find_if(args.begin(), args.end(),
                                  [](auto& a) { return a.rfind("--", 0) != 0; });
      say("gossip-ctl " + (command == args.end() ? "" : *command) + " against " +
          node_name(i) + " ended by a signal or hung; its log ends:\n" +
          tail(logs_ + "/ctl.log", 3));
    }
    return rc;
  }

  int64_t elapsed() const { return proc::process_cluster::now_ms() - t0_; }

  static std::string seconds(int64_t ms) {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << static_cast<double>(ms) / 1000.0 << " s";
    return out.str();
  }

  void say(const std::string& what) const {
    std::cout << "[chaos seed=" << seed_ << " " << seconds(elapsed()) << "] " << what
              << std::endl;
  }

  bool survived(const ack& a) const { return lives_[a.node] == a.life; }

  void write() {
    auto i = uniform_index(writes_rng_, nodes);
    auto n = attempts_++;
    ack a{"w" + std::to_string(n),
          "s" + std::to_string(seed_) + "-" + node_name(i),
          i,
          lives_[i],
          0,
          0};
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

  void restart(size_t i) {
    std::string seeds;
    for (size_t j = 0; j < nodes; ++j)
      if (j != i)
        seeds +=
            (seeds.empty() ? "" : ",") + lan_.host_ip(j) + ":" + std::to_string(port);
    cluster_.launch(i, i, {"--seeds=" + seeds});
    if (!cluster_.wait_listening(i, 20s))
      say(node_name(i) + " did not listen again");
    ++lives_[i];
    dead_.erase(i);
  }

  void apply(const step& s) {
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
      if (ctl(s.node,
              {"faults", std::to_string(s.loss), std::to_string(s.delay_rounds)}) != 0)
        say("  (" + node_name(s.node) + " did not take it)");
      if (s.kind == step_kind::restore)
        lost_ += messages_lost(s.node);
      break;
    }
  }

  // What node i's fault layer dropped in this life (its counter `lost`).
  uint64_t messages_lost(size_t i) {
    std::string out;
    if (ctl(i, {"--format=json", "stats"}, &out) != 0)
      return 0;
    auto j = json_lines(out);
    return j.empty() ? 0 : j[0].value("lost", uint64_t{0});
  }

  // Empty when node i sees every node alive, else who it does not.
  std::string membership_problem(size_t i) {
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
    if (alive.size() == nodes && others.empty())
      return {};
    return node_name(i) + " sees " + std::to_string(alive.size()) + " alive" + others;
  }

  bool dump(size_t i, store_view& into) {
    std::string out;
    if (ctl(i, {"--format=json", "dump"}, &out) != 0)
      return false;
    into.clear();
    for (auto& e : json_lines(out))
      into[e.value("key", "")] =
          held{e.value("version", uint64_t{0}), e.value("origin", ""),
               e.value("value", ""), e.value("tombstone", false)};
    return true;
  }

  static std::string text(const store_view& s, const std::string& key) {
    auto i = s.find(key);
    if (i == s.end())
      return "nothing";
    return "version " + std::to_string(i->second.version) + " from " + i->second.origin +
           (i->second.tombstone ? " (deleted)" : " '" + i->second.value + "'");
  }

  // "KEY: A's entry vs B's", for the first key where they differ; or empty.
  static std::string first_difference(const store_view& a, const store_view& b) {
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

  // Empty when converged: all alive everywhere, one store content, and every
  // asserted write in it as it was acknowledged. Else the first problem, or
  // with `all` every one found (for the report).
  std::string check(bool all = false) {
    std::vector<std::string> problems;
    auto found = [&](std::string p) {
      problems.push_back(std::move(p));
      return !all;
    };
    for (size_t i = 0; i < nodes; ++i)
      if (auto p = membership_problem(i); !p.empty() && found(p))
        return problems[0];
    std::vector<store_view> stores(nodes);
    for (size_t i = 0; i < nodes; ++i)
      if (!dump(i, stores[i]) && found(node_name(i) + " did not answer dump"))
        return problems[0];
    final_ = stores[0];
    for (size_t i = 1; i < nodes; ++i)
      if (auto d = first_difference(stores[0], stores[i]);
          !d.empty() &&
          found("n1 and " + node_name(i) + " differ (" +
                std::to_string(stores[0].size()) + " vs " +
                std::to_string(stores[i].size()) + " entries), first at " + d))
        return problems[0];
    for (auto& a : acks_) {
      if (!survived(a))
        continue;
      std::string lacking;
      for (size_t i = 0; i < nodes; ++i)
        if (auto e = stores[i].find(a.key);
            e == stores[i].end() ||
            e->second != held{a.version, node_name(a.node), a.value, false})
          lacking += " " + node_name(i);
      if (!lacking.empty() && found(a.key + "@" + std::to_string(a.version) +
                                    " acknowledged by " + node_name(a.node) + " at " +
                                    seconds(a.at_ms) + " is missing on" + lacking))
        return problems[0];
      if (problems.size() > 12)
        break;
    }
    std::string text;
    for (auto& p : problems)
      text += (text.empty() ? "" : "\n") + p;
    return text;
  }

  uint64_t seed_;
  netns::lan& lan_;
  rng_type writes_rng_;
  proc::process_cluster cluster_;
  std::string logs_;
  int64_t t0_ = proc::process_cluster::now_ms();
  int64_t heal_ms_ = 0;
  std::vector<size_t> lives_ = std::vector<size_t>(nodes, 0);
  std::set<size_t> paused_, dead_;
  std::vector<ack> acks_;
  size_t attempts_ = 0;
  size_t ctl_crashes_ = 0;
  uint64_t lost_ = 0;
  std::vector<std::string> died_;
  store_view final_;
};

std::string describe(uint64_t seed, const std::vector<step>& steps) {
  std::string text = "seed " + std::to_string(seed) + ", schedule:\n";
  for (auto& s : steps)
    text += "  " + to_string(s) + "\n";
  return text + "rerun: GOSSIP_CHAOS_SEED=" + std::to_string(seed) +
         " build/bin/cluster_test --gtest_filter='Seeds/Chaos.*/0'\n";
}

class Chaos : public ::testing::TestWithParam<uint64_t> {};

} // namespace

TEST(ChaosSchedule, SameSeedSameScheduleAndEveryFaultEnds) {
  shape s;
  auto a = make_schedule(7, s), b = make_schedule(7, s), other = make_schedule(8, s);
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(to_string(a[i]), to_string(b[i]));
  EXPECT_NE(describe(7, a), describe(8, other));
  // Replayed: one fault per node and one partition at a time, at most
  // max_down nodes down, and everything undone by the end.
  bool split = false;
  std::map<size_t, step_kind> faulty;
  size_t down = 0;
  for (auto& x : a) {
    EXPECT_GE(x.at_ms, 0);
    EXPECT_LE(x.at_ms, s.duration_ms);
    switch (x.kind) {
    case step_kind::partition:
      EXPECT_FALSE(split);
      split = true;
      ASSERT_EQ(x.groups.size(), 2u);
      EXPECT_EQ(x.groups[0].size() + x.groups[1].size(), s.nodes);
      break;
    case step_kind::heal:
      EXPECT_TRUE(split);
      split = false;
      break;
    case step_kind::pause:
    case step_kind::kill:
    case step_kind::degrade:
      EXPECT_EQ(faulty.count(x.node), 0u) << to_string(x);
      faulty[x.node] = x.kind;
      down += x.kind == step_kind::degrade ? 0 : 1;
      EXPECT_LE(down, s.max_down) << to_string(x);
      break;
    default: {
      auto started = x.kind == step_kind::resume    ? step_kind::pause
                     : x.kind == step_kind::restart ? step_kind::kill
                                                    : step_kind::degrade;
      ASSERT_EQ(faulty.count(x.node), 1u) << to_string(x);
      EXPECT_EQ(faulty[x.node], started) << to_string(x);
      down -= started == step_kind::degrade ? 0 : 1;
      faulty.erase(x.node);
    }
    }
  }
  EXPECT_FALSE(split);
  EXPECT_TRUE(faulty.empty());
}

TEST_P(Chaos, AcknowledgedWritesSurviveAndNodesConverge) {
  if (!netns::available())
    GTEST_SKIP() << "needs root and iproute2";
  auto seed = GetParam();
  if (auto env = std::getenv("GOSSIP_CHAOS_SEED")) {
    if (seed != 1)
      GTEST_SKIP() << "GOSSIP_CHAOS_SEED runs one seed";
    seed = std::strtoull(env, nullptr, 10);
  }
  shape s;
  s.nodes = nodes;
  auto steps = make_schedule(seed, s);
  test::scratch_dir pki, logs;
  ASSERT_TRUE(test::make_cluster_pki(pki.path, nodes));
  netns::lan lan{"ch" + std::to_string(::getpid() % 100000), nodes};
  lan.create();
  chaos_run run{seed, lan, pki.path, logs.path};
  ASSERT_TRUE(run.start()) << "5 nodes did not all see 5 alive members";
  run.inject(steps, s.duration_ms);
  run.heal_all();
  auto problem = run.converge(90s);
  std::cout << "[chaos seed=" << seed << "] " << run.summary() << std::endl;
  EXPECT_TRUE(problem.empty()) << problem << "\n"
                               << describe(seed, steps) << run.log_tails();
  // The degraded nodes did lose messages: the fault layer was in force.
  if (std::any_of(steps.begin(), steps.end(),
                  [](const step& x) { return x.kind == step_kind::degrade; })) {
    EXPECT_GT(run.dropped(), 0u);
  }
  EXPECT_EQ(run.crashes(), "") << describe(seed, steps) << run.log_tails();
  run.stop();
}

INSTANTIATE_TEST_SUITE_P(Seeds, Chaos, ::testing::Values(1, 2, 3));
