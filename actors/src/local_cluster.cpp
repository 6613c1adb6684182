#include "gossip/local_cluster.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include <optional>
#include <stdexcept>
#include <thread>

#include "drain.hpp"
#include "gossip/atoms.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"

namespace gossip {

namespace {

caf::actor_system_config& configure(caf::actor_system_config& cfg,
                                    const cluster_options& opts) {
  register_types(cfg);
  if (opts.deterministic)
    cfg.set("scheduler.policy", caf::atom("testing"));
  else if (opts.threads > 0)
    cfg.set("scheduler.max-threads", opts.threads);
  return cfg;
}

void check(const cluster_options& opts) {
  if (opts.nodes == 0)
    throw std::invalid_argument("a cluster needs at least one node");
}

} // namespace

struct local_cluster::impl {
  explicit impl(const cluster_options& o)
      : opts(o), sys((check(o), configure(cfg, o))), self(sys, true) {
    if (auto s = sched())
      unit.emplace(*s);
  }

  void run() {
    if (auto s = sched())
      drain(*s, *unit);
  }

  caf::scheduler::test_coordinator* sched() {
    return dynamic_cast<caf::scheduler::test_coordinator*>(&sys.scheduler());
  }

  // Sends a request and waits for its answer; under the test scheduler the
  // answer is produced by running the scheduler first.
  template <class F, class... Args>
  void ask(const caf::actor& dest, F on_ok, Args&&... args) {
    auto h = self->request(dest, std::chrono::seconds(30), std::forward<Args>(args)...);
    run();
    std::string failure;
    h.receive(on_ok, [&](caf::error& err) { failure = sys.render(err); });
    if (!failure.empty())
      throw std::runtime_error("request to node failed: " + failure);
  }

  // The answer of type T to a request.
  template <class T, class... Args> T ask_for(const caf::actor& dest, Args&&... args) {
    T result{};
    ask(
        dest, [&](T x) { result = std::move(x); }, std::forward<Args>(args)...);
    return result;
  }

  // The same for a request that waits up to `budget` for other nodes: under
  // the test scheduler, timers fire one by one in virtual time until the
  // answer is in.
  template <class T, class... Args>
  T ask_waiting(const caf::actor& dest, std::chrono::milliseconds budget,
                Args&&... args) {
    auto h = self->request(dest, budget + std::chrono::seconds(30),
                           std::forward<Args>(args)...);
    if (auto s = sched()) {
      run();
      while (self->mailbox().empty() && s->trigger_timeout())
        run();
    }
    T result{};
    std::string failure;
    h.receive([&](T x) { result = std::move(x); },
              [&](caf::error& err) { failure = sys.render(err); });
    if (!failure.empty())
      throw std::runtime_error("request to node failed: " + failure);
    return result;
  }

  cluster_options opts;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  std::vector<caf::actor> nodes;
  std::optional<queue_unit> unit; // deterministic only
};

local_cluster::local_cluster(cluster_options opts) : impl_(std::make_unique<impl>(opts)) {
  auto& d = *impl_;
  // Deterministic rounds are driven from outside, so they stay exact.
  auto node_cfg = opts.node;
  node_cfg.auto_tick = node_cfg.auto_tick && !opts.deterministic;
  node_cfg.synchronous = opts.synchronous && opts.deterministic;
  // One directory shared by all nodes: O(n) memory instead of O(n^2).
  auto dir = std::make_shared<directory>();
  try {
    for (size_t i = 0; i < opts.nodes; ++i) {
      node_cfg.name = std::to_string(i);
      node_cfg.seed = derive_seed(opts.seed, i);
      if (opts.labels_of)
        node_cfg.labels = opts.labels_of(i);
      d.nodes.push_back(spawn_node(d.sys, node_cfg,
                                   make_protocols(opts.protocol, opts.protocol_params)));
      dir->names.push_back(node_cfg.name);
      dir->actors.push_back(d.nodes.back());
      dir->index.emplace(node_cfg.name, static_cast<uint32_t>(i));
      if (opts.labels_of)
        dir->labels.push_back(node_cfg.labels);
    }
  } catch (...) {
    // Stop what was spawned, or the actor_system would wait for it forever.
    for (auto& n : d.nodes)
      caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
    settle();
    throw;
  }
  dir->numbered = true; // node i is named std::to_string(i)
  directory_ptr shared = std::move(dir);
  for (auto& n : d.nodes)
    caf::anon_send(n, peers_atom::value, shared);
  settle();
}

local_cluster::~local_cluster() {
  for (auto& n : impl_->nodes)
    caf::anon_send_exit(n, caf::exit_reason::user_shutdown);
  settle();
}

caf::actor_system& local_cluster::system() {
  return impl_->sys;
}

size_t local_cluster::size() const {
  return impl_->nodes.size();
}

const caf::actor& local_cluster::node(size_t i) const {
  return impl_->nodes.at(i);
}

std::string local_cluster::name(size_t i) const {
  return std::to_string(i);
}

bool local_cluster::deterministic() const {
  return impl_->opts.deterministic;
}

void local_cluster::run_round() {
  auto& d = *impl_;
  if (d.sched()) {
    // Every node runs its round before any message of the round is handled.
    // Synchronous rounds drive the nodes directly (the order in which a round's
    // messages are handled does not change its outcome there); otherwise each
    // gets a message, and a node handles the round's messages queued behind
    // its own trigger, interleaved with the other nodes' rounds.
    auto start = caf::make_message(in_process, round_atom::value);
    for (auto& n : d.nodes)
      if (!d.opts.synchronous || !run_round_now(n, *d.unit))
        caf::anon_send(n, start);
    d.run();
    if (d.opts.synchronous) {
      auto end = caf::make_message(in_process, round_end_atom::value);
      for (auto& n : d.nodes)
        if (!end_round_now(n, *d.unit))
          caf::anon_send(n, end);
      d.run();
    }
  } else {
    std::this_thread::sleep_for(d.opts.node.interval);
  }
}

void local_cluster::settle() {
  impl_->run();
}

uint64_t local_cluster::put(size_t i, const std::string& key, const std::string& value) {
  return impl_->ask_for<uint64_t>(node(i), caf::put_atom::value, key, value);
}

bool local_cluster::erase(size_t i, const std::string& key) {
  return impl_->ask_for<bool>(node(i), caf::delete_atom::value, key);
}

hold_report local_cluster::put(size_t i, const std::string& key, const std::string& value,
                               const write_level& level) {
  return impl_->ask_waiting<hold_report>(node(i),
                                         std::chrono::milliseconds{level.timeout_ms},
                                         caf::put_atom::value, key, value, level);
}

hold_report local_cluster::erase(size_t i, const std::string& key,
                                 const write_level& level) {
  return impl_->ask_waiting<hold_report>(node(i),
                                         std::chrono::milliseconds{level.timeout_ms},
                                         caf::delete_atom::value, key, level);
}

hold_report local_cluster::wait(size_t i, const std::string& key,
                                std::chrono::milliseconds timeout) {
  return impl_->ask_waiting<hold_report>(node(i), timeout, wait_atom::value, key,
                                         static_cast<uint64_t>(timeout.count()));
}

view_report local_cluster::agree(size_t i, std::chrono::milliseconds timeout) {
  return impl_->ask_waiting<view_report>(node(i), timeout, agree_atom::value,
                                         static_cast<uint64_t>(timeout.count()));
}

std::vector<keyed_entry> local_cluster::snapshot(size_t i) {
  return impl_->ask_for<std::vector<keyed_entry>>(node(i), snapshot_atom::value);
}

counters local_cluster::stats(size_t i) {
  return impl_->ask_for<counters>(node(i), stats_atom::value);
}

std::vector<std::string> local_cluster::peers(size_t i) {
  return impl_->ask_for<std::vector<std::string>>(node(i), peers_atom::value);
}

std::vector<member_update> local_cluster::members(size_t i) {
  return impl_->ask_for<std::vector<member_update>>(node(i), members_atom::value);
}

node_internals local_cluster::peek(size_t i) const {
  if (!impl_->opts.deterministic)
    throw std::logic_error("peek needs a deterministic cluster");
  return gossip::peek(node(i));
}

void local_cluster::crash(size_t i) {
  caf::anon_send_exit(node(i), caf::exit_reason::kill);
  settle();
}

void local_cluster::crash(const std::vector<size_t>& nodes) {
  for (auto i : nodes)
    caf::anon_send_exit(node(i), caf::exit_reason::kill);
  settle();
}

void local_cluster::leave(size_t i) {
  caf::anon_send(node(i), in_process, caf::leave_atom::value);
  settle();
}

bool local_cluster::converged() {
  auto first = snapshot(0);
  for (size_t i = 1; i < size(); ++i) {
    auto other = snapshot(i);
    auto same = std::equal(first.begin(), first.end(), other.begin(), other.end(),
                           [](const keyed_entry& a, const keyed_entry& b) {
                             return a.key == b.key && same_write(a.e, b.e);
                           });
    if (!same)
      return false;
  }
  return true;
}

size_t local_cluster::rounds_until_converged(size_t max_rounds) {
  if (!deterministic())
    throw std::logic_error("rounds_until_converged needs a deterministic cluster");
  for (size_t r = 1; r <= max_rounds; ++r) {
    run_round();
    if (converged())
      return r;
  }
  return max_rounds + 1;
}

} // namespace gossip
