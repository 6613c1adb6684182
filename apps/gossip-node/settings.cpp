#include "settings.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

#include "gossip/presets.hpp"
#include "guard_options.hpp"
#include "metrics_endpoint.hpp"
#include "overlay.hpp"

namespace gossip::node_app {

namespace {

using namespace std::chrono_literals;

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    auto end = text.find(',', start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      return parts;
    start = end + 1;
  }
}

// --metrics=HOST:PORT, where port 0 asks for a free one.
host_port read_metrics(const std::string& text) {
  auto any_port = text.size() > 2 && text.compare(text.size() - 2, 2, ":0") == 0;
  auto hp = parse_host_port(any_port ? text.substr(0, text.size() - 1) + "1" : text);
  if (!hp)
    throw std::invalid_argument("invalid value '" + text +
                                "' for --metrics: expected HOST:PORT or [IPv6]:PORT");
  if (any_port)
    hp->port = 0;
  if (hp->host.find(':') != std::string::npos && !metrics_endpoint::ipv6())
    throw std::invalid_argument("--metrics=" + text +
                                ": the civetweb library gossip-node runs on has no IPv6 "
                                "(Debian's is built without it); give an IPv4 address");
  return *hp;
}

uint16_t read_port(const std::string& text) {
  auto port = params{{"port", text}}.get_uint("port", 0);
  if (port > 65535)
    throw std::invalid_argument("--port must be at most 65535");
  return static_cast<uint16_t>(port);
}

// --nodes=K: K names (one name NAME: NAME-0 .. NAME-(K-1)) and K ports (one
// port P: P .. P+K-1; 0: each a free one). One node keeps --name and --port
// exactly as they are, commas included.
void read_nodes(params& ps, settings& s) {
  auto k = ps.get_uint("nodes", 1);
  if (k == 0 || k > max_nodes)
    throw std::invalid_argument("--nodes must be between 1 and " +
                                std::to_string(max_nodes));
  auto name = ps.get_string("name", "node-" + std::to_string(::getpid()));
  if (k == 1) {
    s.names = {name};
    auto port = ps.get_uint("port", 0);
    if (port > 65535)
      throw std::invalid_argument("--port must be at most 65535");
    s.ports = {static_cast<uint16_t>(port)};
    return;
  }
  auto names = split(name);
  if (names.size() == 1)
    for (size_t i = 0; i < k; ++i)
      s.names.push_back(name + "-" + std::to_string(i));
  else if (names.size() == k)
    s.names = names;
  else
    throw std::invalid_argument("--name: give one name or " + std::to_string(k) +
                                " for --nodes=" + std::to_string(k) + ", not " +
                                std::to_string(names.size()));
  if (std::set<std::string>{s.names.begin(), s.names.end()}.size() != k)
    throw std::invalid_argument("--name: every node needs a name of its own");
  auto ports = split(ps.get_string("port", "0"));
  if (ports.size() != 1 && ports.size() != k)
    throw std::invalid_argument("--port: give one port or " + std::to_string(k) +
                                " for --nodes=" + std::to_string(k) + ", not " +
                                std::to_string(ports.size()));
  for (auto& p : ports)
    s.ports.push_back(read_port(p));
  if (ports.size() == 1) {
    auto first = s.ports[0];
    if (first != 0 && first + k - 1 > 65535)
      throw std::invalid_argument("--port=" + ports[0] + " --nodes=" + std::to_string(k) +
                                  ": ports past 65535");
    for (size_t i = 1; i < k; ++i)
      s.ports.push_back(first == 0 ? 0 : static_cast<uint16_t>(first + i));
  }
}

// What one node per process has and K nodes cannot share.
void check_single_node_options(const params& ps, const settings& s) {
  if (s.nodes() == 1)
    return;
  if (ps.has("data-dir"))
    throw std::invalid_argument("--data-dir keeps one node's store: not with --nodes");
  if (ps.has("metrics"))
    throw std::invalid_argument("--metrics serves one node: not with --nodes");
  if (s.advertise && s.advertise->port != 0)
    throw std::invalid_argument("--advertise=HOST:PORT names one port: give HOST alone "
                                "with --nodes (each node adds its own port)");
}

void read_store_and_labels(params& ps, settings& s) {
  auto& lim = s.node.limits;
  lim.max_store_keys = ps.get_uint("max-keys", lim.max_store_keys);
  lim.max_store_bytes = ps.get_uint("max-bytes", lim.max_store_bytes);
  if (lim.max_store_keys == 0 || lim.max_store_bytes == 0)
    throw std::invalid_argument("--max-keys and --max-bytes must be at least 1");
  for (auto& kv : ps.get_list("meta")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("invalid value '" + kv +
                                  "' for --meta: expected key=value");
    s.node.labels[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
}

} // namespace

void load_config_file(const std::string& path, const std::vector<cli::option>& known,
                      params& ps, cli::caf_settings& caf) {
  std::ifstream probe{path};
  if (!probe)
    throw std::invalid_argument("cannot open config file '" + path + "'");
  auto parsed = caf::actor_system_config::parse_config_file(path.c_str());
  if (!parsed)
    throw std::invalid_argument("config file '" + path +
                                "': " + caf::to_string(parsed.error()));
  for (auto& [section, value] : *parsed) {
    auto dict = caf::get_if<caf::config_value::dictionary>(&value);
    if (!dict)
      throw std::invalid_argument("config file '" + path + "': '" + section +
                                  "' is not a [section]");
    for (auto& [key, v] : *dict) {
      if (section != "gossip") {
        caf.emplace_back(section + "." + key, v);
        continue;
      }
      if (std::none_of(known.begin(), known.end(),
                       [&](const cli::option& o) { return o.name == key; }) ||
          key == "config")
        throw std::invalid_argument("config file '" + path + "': unknown option '" + key +
                                    "' in [gossip]");
      if (ps.has(key))
        continue; // the command line wins
      auto s = caf::get_if<std::string>(&v);
      ps.set(key, s ? *s : caf::to_string(v));
    }
  }
}

settings read_settings(params& ps) {
  apply_preset(ps.get_string("preset", "lan"), ps);
  settings s;
  read_nodes(ps, s);
  s.node.name = s.names[0];
  s.host = ps.get_string("host", "127.0.0.1");
  // An unregistered overlay fails here as an unknown protocol would.
  s.overlay = cli::overlay_protocol(ps.get_string("overlay", "full"));
  s.protocols = s.overlay + "," + ps.get_string("protocol", "push-pull,probabilistic");
  s.node.interval = cli::get_duration(ps, "interval", 1000ms);
  s.node.jitter = ps.get_double("jitter", 0.1);
  s.node.seed = ps.get_uint("seed", static_cast<uint64_t>(::getpid()));
  auto events = ps.get_string("events", "text");
  if (events != "json" && events != "text")
    throw std::invalid_argument("invalid value '" + events +
                                "' for --events: json or text");
  s.json = events == "json";
  s.threads = ps.get_uint("threads", 1);
  auto run_on = ps.get_string("run-on", "io");
  if (run_on != "io" && run_on != "scheduler")
    throw std::invalid_argument("invalid value '" + run_on +
                                "' for --run-on: io or scheduler");
  s.node.io_thread = run_on == "io";
  s.data_dir = ps.get_string("data-dir", "");
  if (ps.has("data-dir") && s.data_dir.empty())
    throw std::invalid_argument("--data-dir needs a directory");
  s.node.faults.controllable = ps.get_bool("fault-injection", false);
  if (ps.has("metrics"))
    s.metrics = read_metrics(ps.get_string("metrics", ""));
  if (ps.has("advertise"))
    s.advertise = cli::read_advertise(ps.get_string("advertise", ""));
  check_single_node_options(ps, s);
  s.tls = tls::read(ps);
  // Without --tls or --insecure a host off loopback (a wildcard too) is
  // refused below; with them, a wildcard without --advertise is refused
  // before --insecure's warning, so that a refusal stays one line.
  if (s.tls.enabled || s.tls.insecure)
    cli::check_bind(s.host, s.advertise);
  tls::require_tls_off_loopback(s.tls, s.host, ps.scoped(s.overlay).get_list("seeds"),
                                s.advertise ? s.advertise->host : "");
  s.guard = cli::read_guard(ps);
  read_store_and_labels(ps, s);
  if (s.threads == 0 || s.threads > 64)
    throw std::invalid_argument("--threads must be between 1 and 64");
  return s;
}

void add_seed(params& ps, const settings& s, const std::string& address) {
  auto seeds = ps.scoped(s.overlay).get_list("seeds");
  if (std::find(seeds.begin(), seeds.end(), address) != seeds.end())
    return;
  seeds.push_back(address);
  std::string joined;
  for (auto& x : seeds)
    joined += (joined.empty() ? "" : ",") + x;
  ps.set(s.seeds_key(), joined);
}

// Without TLS only members on loopback join the seeds, as for --seeds.
bool add_known_members(params& ps, const data_dir& dir, const settings& s) {
  auto before = ps.scoped(s.overlay).get_list("seeds").size();
  for (auto& m : dir.members()) {
    auto hp = parse_host_port(m.address);
    if (m.name == s.node.name || !hp)
      continue;
    if (s.tls.enabled || s.tls.insecure || tls::is_loopback(hp->host))
      add_seed(ps, s, m.address);
  }
  return ps.scoped(s.overlay).get_list("seeds").size() != before;
}

} // namespace gossip::node_app
