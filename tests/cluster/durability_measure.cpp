// durability-measure: what --data-dir costs; for the README's numbers, not a
// test (durability_test.cpp asserts behaviour). 127.0.0.1 only.
//
//   durability-measure --bin-dir=DIR [--puts=200] [--keys=100000]
//                      [--sync-keys=1000000] [--work=PATH]
//
// 1. Put latency: three gossip-node processes (lan preset), each put a
//    request from one connection to n1, median and p90 over --puts puts,
//    without and with --data-dir (a local put is committed and fsync'd
//    before its "ok").
// 2. Bytes on disk: --keys keys of 16-byte values written through data_dir
//    as a node writes what it merges (batches of 1,000), the file's size
//    after a clean close; then how long opening it (integrity_check, load)
//    takes.
// 3. Sync: n1 starts on a data dir preloaded with --sync-keys keys, then n2
//    joins with an empty one; the time until n2 holds them all (its
//    stats), and the bytes n1 sent meanwhile. 0 skips it.
// The data dirs go to PATH/puts, PATH/bytes and PATH/sync (default PATH: a
// fresh directory under /var/tmp, on disk), removed afterwards.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "gossip/data_dir.hpp"
#include "gossip/guard.hpp"
#include "gossip/types.hpp"
#include "preload.hpp"
#include "process_cluster.hpp"

#include <nlohmann/json.hpp>

using namespace std::chrono;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct options {
  std::string bin_dir;
  size_t puts = 200;
  size_t keys = 100000;
  size_t sync_keys = 1000000;
  std::string work;
};

double percentile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  return xs.empty() ? 0 : xs[static_cast<size_t>(q * (xs.size() - 1))];
}

// Microseconds per put, each from the same connection to `address`.
std::vector<double> put_latencies(const std::string& address, size_t puts) {
  caf::actor_system_config cfg;
  gossip::register_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"caf-gossip"});
  cfg.set("middleman.heartbeat-interval", caf::timespan{300ms});
  caf::actor_system sys{cfg};
  auto colon = address.rfind(':');
  auto node =
      gossip::guard::dial(sys, address.substr(0, colon),
                          static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  std::vector<double> result;
  if (!node) {
    std::cerr << "cannot reach " << address << "\n";
    gossip::guard::stop(sys);
    return result;
  }
  caf::scoped_actor self{sys};
  for (size_t i = 0; i < puts; ++i) {
    auto t0 = steady_clock::now();
    bool ok = false;
    self->request(*node, 10s, caf::put_atom::value, "key" + std::to_string(i % 20),
                  std::string(16, 'v'))
        .receive([&](uint64_t) { ok = true; }, [&](caf::error&) {});
    if (ok)
      result.push_back(duration<double, std::micro>(steady_clock::now() - t0).count());
  }
  gossip::guard::stop(sys);
  return result;
}

void measure_puts(const options& o, bool with_data_dir) {
  gossip::proc::cluster_spec s;
  s.nodes = 3;
  s.bin_dir = o.bin_dir;
  if (with_data_dir)
    s.data_root = o.work + "/puts";
  gossip::proc::process_cluster c{s};
  c.start_all();
  c.wait_until(
      [&] {
        for (size_t i = 0; i < c.size(); ++i)
          if (c.live_view(i).size() != c.size())
            return false;
        return true;
      },
      60s);
  auto xs = put_latencies(c.address(0), o.puts);
  std::cout << "| " << (with_data_dir ? "with --data-dir" : "without") << " | "
            << xs.size() << " | " << percentile(xs, 0.5) << " | " << percentile(xs, 0.9)
            << " |\n";
  c.stop_all();
}

void measure_disk(const options& o) {
  auto dir = o.work + "/bytes";
  gossip::store s;
  s.track_changes();
  {
    gossip::data_dir d{dir, "n1"};
    char key[32];
    for (size_t i = 0; i < o.keys; ++i) {
      std::snprintf(key, sizeof key, "key%06zu", i);
      s.merge(key, gossip::entry{std::string(16, 'v'), i + 1, "n2", false, 0});
      if ((i + 1) % 1000 == 0 || i + 1 == o.keys) {
        gossip::data_dir::batch b;
        b.keys = s.take_changes();
        d.commit(s, b, gossip::durability::written);
      }
    }
  }
  auto bytes = fs::file_size(dir + "/" + gossip::data_dir::file_name);
  auto t0 = steady_clock::now();
  gossip::data_dir again{dir, "n1"};
  auto loaded = again.take_entries().size();
  auto open_ms = duration<double, std::milli>(steady_clock::now() - t0).count();
  std::cout << "\n"
            << o.keys << " keys (10-byte keys, 16-byte values, origin n2): " << bytes
            << " bytes on disk, " << static_cast<double>(bytes) / o.keys
            << " bytes per key; reopening (integrity_check and load of " << loaded
            << " entries) took " << open_ms << " ms\n";
}

nlohmann::json node_stats(gossip::proc::process_cluster& c, size_t i) {
  std::string out;
  if (c.ctl(i, {"--format=json", "stats"}, &out) != 0)
    return nullptr;
  return nlohmann::json::parse(out, nullptr, false);
}

uint64_t field(const nlohmann::json& j, const char* name) {
  return j.is_object() ? j.value(name, uint64_t{0}) : 0;
}

void measure_sync(const options& o) {
  auto root = o.work + "/sync";
  auto t0 = steady_clock::now();
  gossip::test::preload(root + "/n1", "n1", o.sync_keys);
  auto preload_s = duration<double>(steady_clock::now() - t0).count();
  gossip::proc::cluster_spec s;
  s.nodes = 2;
  s.bin_dir = o.bin_dir;
  s.data_root = root;
  gossip::proc::process_cluster c{s};
  c.start(0, 120s);
  auto sent_before = field(node_stats(c, 0)["total"], "sent_bytes");
  auto start = steady_clock::now();
  c.start(1);
  uint64_t held = 0;
  double last_report = 0;
  while (held < o.sync_keys && steady_clock::now() - start < 600s) {
    c.pump(200ms);
    held = field(node_stats(c, 1), "store_keys");
    auto t = duration<double>(steady_clock::now() - start).count();
    if (t - last_report >= 5) { // progress on stderr
      std::cerr << "  sync: " << held << " of " << o.sync_keys << " keys after " << t
                << " s\n";
      last_report = t;
    }
  }
  auto took = duration<double>(steady_clock::now() - start).count();
  auto sent = field(node_stats(c, 0)["total"], "sent_bytes") - sent_before;
  std::cout << "\nSync of " << o.sync_keys << " keys (preloaded in " << preload_s
            << " s) to a joining node: " << (held == o.sync_keys ? "" : "NOT DONE, ")
            << held << " keys after " << took << " s (start of n2 included), n1 sent "
            << sent / (1 << 20) << " MiB\n";
  c.stop_all();
}

} // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = a.substr(a.find('=') + 1);
    if (a.rfind("--bin-dir=", 0) == 0)
      o.bin_dir = value;
    else if (a.rfind("--puts=", 0) == 0)
      o.puts = std::stoul(value);
    else if (a.rfind("--keys=", 0) == 0)
      o.keys = std::stoul(value);
    else if (a.rfind("--sync-keys=", 0) == 0)
      o.sync_keys = std::stoul(value);
    else if (a.rfind("--work=", 0) == 0)
      o.work = value;
    else {
      std::cerr << "usage: durability-measure --bin-dir=DIR [--puts=N] [--keys=N] "
                   "[--sync-keys=N] [--work=PATH]\n";
      return 2;
    }
  }
  if (o.bin_dir.empty()) {
    std::cerr << "durability-measure: --bin-dir=DIR is required\n";
    return 2;
  }
  bool made_work = o.work.empty();
  if (made_work) {
    char tmpl[] = "/var/tmp/durability-measure-XXXXXX";
    if (!::mkdtemp(tmpl))
      return 1;
    o.work = tmpl;
  }
  std::cout << "| put to n1 of 3 | puts | median µs | p90 µs |\n|---|---|---|---|\n";
  measure_puts(o, false);
  measure_puts(o, true);
  measure_disk(o);
  if (o.sync_keys > 0)
    measure_sync(o);
  std::error_code ignored; // only what this run made
  fs::remove_all(o.work + "/puts", ignored);
  fs::remove_all(o.work + "/bytes", ignored);
  fs::remove_all(o.work + "/sync", ignored);
  if (made_work)
    fs::remove(o.work, ignored);
  return 0;
}
