#include "protocol_measure.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "gossip/atoms.hpp"
#include "gossip/push_pull.hpp"
#include "gossip/push_sum.hpp"
#include "gossip/swim.hpp"
#include "helpers.hpp"
#include "hostile.hpp"
#include "hostile_peer.hpp"

namespace gossip::measure {

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using hostile::hostile_peer;
using hostile::sender;
using proc::process_cluster;

constexpr uint64_t top = std::numeric_limits<uint64_t>::max();

member_update about(const std::string& name, uint64_t incarnation, member_status s,
                    const std::string& reporter) {
  return member_update{name, incarnation, static_cast<uint8_t>(s), {}, {}, reporter};
}

push_sum_share share(mass s, mass w) {
  return make_share("n2", s, w);
}

std::string n(uint64_t x) {
  return std::to_string(x);
}

// Three nodes of the measured gossip-node, joined, and an attacker.
struct bench {
  process_cluster cluster;
  hostile_peer attacker;

  bench(const std::string& bin_dir, const std::vector<std::string>& extra = {},
        const std::vector<std::string>& values = {})
      : cluster{spec_of(bin_dir, extra)} {
    for (size_t i = 0; i < 3; ++i) {
      std::vector<std::string> args;
      if (!values.empty())
        args.push_back("--meta=value=" + values[i]);
      cluster.launch(i, 0, args);
      if (!cluster.wait_listening(i, 20s))
        throw std::runtime_error(cluster.name(i) + " did not start");
    }
    if (!cluster.wait_until([&] { return test::all_see(cluster, 3); }, 60s))
      throw std::runtime_error("3 nodes did not join");
  }
  ~bench() { cluster.stop_all(); }

  static proc::cluster_spec spec_of(const std::string& bin_dir,
                                    const std::vector<std::string>& extra) {
    auto s = test::spec(3);
    s.bin_dir = bin_dir;
    s.node_args.insert(s.node_args.end(), extra.begin(), extra.end());
    return s;
  }

  uint16_t port(size_t i) const { return test::port_of(cluster.address(i)); }

  std::optional<member_update> member_at(size_t i, const std::string& name) {
    if (auto ms = attacker.members(port(i)))
      for (auto& m : *ms)
        if (m.name == name)
          return m;
    return std::nullopt;
  }

  // "alive 3" (status and incarnation) as node i holds `name`.
  std::string status(size_t i, const std::string& name) {
    auto m = member_at(i, name);
    return m ? std::string{to_string(m->state())} + " " + n(m->incarnation) : "unknown";
  }

  bool alive_everywhere(const std::string& name) {
    for (size_t i = 0; i < 3; ++i) {
      auto m = member_at(i, name);
      if (!m || m->state() != member_status::alive)
        return false;
    }
    return true;
  }

  // Milliseconds until `name` is alive everywhere again (-1: not in 30 s).
  long until_alive(const std::string& name) {
    auto t0 = steady_clock::now();
    if (!cluster.wait_until([&] { return alive_everywhere(name); }, 30s))
      return -1;
    return duration_cast<milliseconds>(steady_clock::now() - t0).count();
  }

  size_t events(event_kind k, const std::string& peer) {
    return test::count_events(cluster, k, peer);
  }

  uint64_t rounds(size_t i) {
    auto st = attacker.stats(port(i));
    return st ? st->rounds : 0;
  }

  std::string ctl(size_t i, const std::vector<std::string>& args) {
    std::string out;
    auto rc = cluster.ctl(i, args, &out);
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return rc == 0 ? out : "exit " + n(static_cast<uint64_t>(rc));
  }

  std::string estimates() {
    std::string all;
    for (size_t i = 0; i < 3; ++i)
      all += (i ? " / " : "") + ctl(i, {"estimate"});
    return all;
  }

  std::string downs(const std::string& name) {
    return n(events(event_kind::member_down, name)) + " member_down, " +
           n(events(event_kind::member_left, name)) + " member_left, " +
           n(events(event_kind::member_suspect, name)) + " member_suspect of " + name;
  }
};

void row(const std::string& attack, const std::string& outcome) {
  std::printf("| %s | %s |\n", attack.c_str(), outcome.c_str());
  std::fflush(stdout);
}

void leave_request(const std::string& bin) {
  bench b{bin};
  b.attacker.send(b.port(0), caf::make_message(caf::leave_atom::value),
                  sender::anonymous);
  b.cluster.pump(3s);
  row("`(leave_atom)` to n1",
      "n1 at n2 after 3 s: " + b.status(1, "n1") + "; " + b.downs("n1"));
}

void remote_ticks(const std::string& bin) {
  bench b{bin};
  for (int i = 0; i < 20; ++i)
    b.attacker.send(b.port(0), caf::make_message(caf::tick_atom::value),
                    sender::anonymous);
  b.cluster.pump(200ms);
  auto r0 = b.rounds(0);
  b.cluster.pump(2s);
  auto r1 = b.rounds(0);
  b.cluster.pump(3s);
  row("20 `(tick_atom)` to n1",
      "n1 ran " + n(r1 - r0) + " rounds in 2 s (10 due); " + b.downs("n2"));
}

void forged_left(const std::string& bin) {
  bench b{bin};
  auto inc = b.member_at(1, "n1")->incarnation;
  for (size_t i : {1, 2})
    b.attacker.send_wire(
        b.port(i), swim_gossip{"n2", {about("n1", inc, member_status::left, "n2")}});
  b.cluster.pump(300ms);
  auto back = b.until_alive("n1");
  row("\"n1 left\" reported by n2, to n2 and n3",
      b.downs("n1") + "; alive everywhere " +
          (back < 0 ? "not within 30 s" : "after " + n(back) + " ms"));
}

void forged_dead(const std::string& bin) {
  bench b{bin};
  auto inc = b.member_at(1, "n1")->incarnation;
  for (size_t i : {1, 2})
    b.attacker.send_wire(
        b.port(i),
        swim_gossip{"n2", {about("n1", inc, member_status::dead, b.cluster.name(i))}});
  b.cluster.pump(3s);
  row("\"n1 dead\" naming the receiver as reporter", b.downs("n1"));
}

void goodbye(const std::string& bin) {
  bench b{bin};
  auto inc = b.member_at(1, "n1")->incarnation;
  for (size_t i : {1, 2})
    b.attacker.send_wire(
        b.port(i),
        swim_sync{"n1", false, {about("n1", inc + 1, member_status::left, "n1")}});
  b.cluster.pump(300ms);
  auto back = b.until_alive("n1");
  row("a goodbye in n1's name, to n2 and n3",
      b.downs("n1") + "; alive everywhere " +
          (back < 0 ? "not within 30 s" : "after " + n(back) + " ms"));
}

void verdicts(const std::string& bin) {
  for (bool last : {false, true}) {
    bench b{bin};
    auto inc = b.member_at(0, "n3")->incarnation;
    swim_gossip v{"n2", {}};
    if (last)
      v.updates = {about("n3", top, member_status::dead, "n2"),
                   about("n3", top - 1, member_status::dead, "n2")};
    else
      v.updates = {about("n3", inc + 1000, member_status::dead, "n2")};
    for (size_t i : {0, 1})
      b.attacker.send_wire(b.port(i), v);
    b.cluster.pump(3s);
    b.cluster.kill(2);
    b.cluster.start(2);
    auto back = b.until_alive("n3");
    row(last ? "\"n3 dead\" at incarnation 2^64-1 and 2^64-2"
             : "\"n3 dead\" at its incarnation + 1000",
        b.downs("n3") + "; restarted: n3 at n1 " + b.status(0, "n3") + ", " +
            (back < 0 ? "not alive everywhere in 30 s" : "alive everywhere"));
  }
}

void pins(const std::string& bin) {
  for (bool creep : {false, true}) {
    bench b{bin};
    push_pull_update m{"n2", {}};
    if (creep)
      for (uint64_t i = 1; i <= 20; ++i)
        m.entries.push_back(keyed_entry{
            "k", entry{"creep", i * limits{}.max_version_ahead, "n2", false, 0}});
    else
      m.entries = {keyed_entry{"k", entry{"pinned", top, "n2", false, 0}},
                   keyed_entry{"k", entry{"pinned", top - 1, "n2", false, 0}}};
    b.attacker.send_wire(b.port(0), m);
    b.cluster.pump(1s);
    auto put = b.ctl(1, {"put", "k", "mine"});
    b.cluster.pump(1s);
    row(creep ? "20 entries each 2^40 ahead of the last" : "entries at 2^64-1 and 2^64-2",
        "then put k on n2: " + put + "; get k on n1: " + b.ctl(0, {"get", "k"}));
  }
}

void exhaust(const std::string& bin) {
  bench b{bin};
  uint64_t version = 0;
  for (int k = 0; k < 42; ++k) {
    push_pull_update m{"n2", {}};
    for (int j = 0; j < 100000; ++j) {
      version += limits{}.max_version_ahead;
      m.entries.push_back(keyed_entry{"k", entry{"", version, "n2", false, 0}});
    }
    b.attacker.send_wire(b.port(0), std::move(m), sender::anonymous);
  }
  auto t0 = steady_clock::now();
  b.cluster.wait_until(
      [&] {
        return b.ctl(0, {"--timeout=60s", "stats"}).rfind("exit", 0) != 0;
      },
      120s);
  auto stall = duration_cast<milliseconds>(steady_clock::now() - t0).count();
  b.cluster.pump(3s);
  row("42 × 100,000 entries each 2^40 ahead of the last",
      "n1 answered after " + n(stall) + " ms; put on n1: " + b.ctl(0, {"put", "x", "v"}) +
          ", on n2: " + b.ctl(1, {"put", "x", "v"}) + "; " + b.downs("n1"));
}

void flood(const std::string& bin) {
  bench b{bin};
  auto pid = b.cluster.pid(0);
  auto rss0 = hostile::status_kib(pid, "VmRSS");
  std::vector<member_update> crowd;
  for (int i = 0; i < 100000; ++i)
    crowd.push_back(about("m" + std::to_string(i), 1, member_status::alive, "m"));
  auto r0 = b.rounds(0);
  b.attacker.send_wire(b.port(0), swim_sync{"n2", true, crowd});
  b.attacker.send_wire(b.port(0), swim_gossip{"n2", crowd});
  auto t0 = steady_clock::now();
  auto members = b.ctl(0, {"--timeout=60s", "members"});
  auto stall = duration_cast<milliseconds>(steady_clock::now() - t0).count();
  b.cluster.pump(10s);
  auto at = [&](size_t i) {
    auto ms = b.attacker.members(b.port(i));
    return ms ? n(ms->size()) : std::string{"?"};
  };
  row("100,000 made-up members in one sync and one gossip to n1",
      "a members call took " + n(stall) + " ms; RSS " + n(rss0 / 1024) + " → peak " +
          n(hostile::status_kib(pid, "VmHWM") / 1024) + " → " +
          n(hostile::status_kib(pid, "VmRSS") / 1024) +
          " MiB; members at n1/n2: " + at(0) + "/" + at(1) + "; " + n(b.rounds(0) - r0) +
          " rounds in ~10 s; " + b.downs("n1"));
}

void claims(const std::string& bin) {
  bench b{bin};
  for (int i = 0; i < 100; ++i) {
    b.attacker.send_wire(b.port(0), swim_gossip{"n2", {}});
    b.attacker.send_wire(b.port(0), push_pull_update{"n2", {}});
    b.cluster.pump(20ms);
  }
  b.cluster.pump(2s);
  row("100 messages claiming to be n2, to n1, over 2 s",
      n(b.attacker.stolen()) + " of n1's messages came to us; " + b.downs("n2"));
}

void push_sum_count(const std::string& bin) {
  bench b{bin, {"--protocol=push-pull,push-sum", "--aggregate=count", "--leader=n1"}};
  b.cluster.wait_until([&] { return b.estimates() == "3 / 3 / 3"; }, 60s);
  auto before = b.estimates();
  b.attacker.send_wire(b.port(0), share(to_mass(1e15) * 1000, 0), sender::anonymous);
  b.cluster.pump(3s);
  row("push-sum count of 3 nodes: one share of s = 10^18, w = 0",
      "estimates " + before + " → " + b.estimates());
}

void push_sum_average(const std::string& bin) {
  bench b{bin, {"--protocol=push-pull,push-sum", "--max-value=100"}, {"1", "2", "6"}};
  b.cluster.wait_until([&] { return b.estimates() == "3 / 3 / 3"; }, 60s);
  auto before = b.estimates();
  const mass one = to_mass(1.0), most = std::numeric_limits<mass>::max();
  for (auto& m : {share(to_mass(1e15), one), share(most, one), share(-most - 1, one),
                  share(to_mass(-1000.0), one), share(to_mass(1.0), 0),
                  share(0, to_mass(2000000.0)), share(to_mass(3.0), -one)})
    b.attacker.send_wire(b.port(0), m, sender::anonymous);
  b.cluster.pump(3s);
  auto st = b.attacker.stats(b.port(0));
  auto t = st ? st->by_type["gossip::push_sum_share"] : traffic{};
  row("push-sum average of 1, 2, 6: 7 shares huge, ±extreme, negative, weightless, "
      "overweight",
      "estimates " + before + " → " + b.estimates() + "; rejected " + n(t.rejected) +
          " messages, " + n(t.rejected_items) + " shares");
}

void twin(const std::string& bin) {
  bench b{bin};
  test::scratch_dir logs;
  proc::child other{{bin + "/gossip-node", "--name=n1", "--events=json",
                     "--interval=200ms", "--seeds=" + b.cluster.address(1)},
                    logs / "twin.log"};
  size_t conflicts = 0;
  auto read_twin = [&] {
    conflicts += test::read_events_of(other, event_kind::name_conflict);
  };
  b.cluster.pump(5s);
  read_twin();
  auto at5 = b.status(1, "n1");
  b.cluster.pump(5s);
  read_twin();
  row("a second gossip-node named n1",
      "n1 at n2 after 5 s: " + at5 + ", after 10 s: " + b.status(1, "n1") + "; " +
          n(conflicts + b.events(event_kind::name_conflict, "n1")) +
          " name_conflict events");
  other.stop();
}

} // namespace

void protocol_attacks(const std::string& bin_dir) {
  std::printf("\n| protocol attack (3 nodes, 200 ms rounds) | what came of it |\n"
              "|---|---|\n");
  std::function<void(const std::string&)> attacks[] = {
      leave_request,    remote_ticks, forged_left, forged_dead, goodbye,
      verdicts,         pins,         claims,      flood,       push_sum_count,
      push_sum_average, twin,         exhaust};
  for (auto& attack : attacks) {
    try {
      attack(bin_dir);
    } catch (const std::exception& e) {
      row("(setup)", std::string{"failed: "} + e.what());
    }
  }
}

} // namespace gossip::measure
