// The node actor: its rounds, its public interface (atoms.hpp) and how it is
// assembled from its protocols. Routing, accounting, the fault layer and the
// port protocols see live in files of their own.
#include "gossip/node.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <stdexcept>

#include "gossip/atoms.hpp"
#include "gossip/membership.hpp"
#include "gossip/metrics.hpp"
#include "io_node.hpp"
#include "node_port.hpp"
#include "node_writes.hpp"
#include "replicator.hpp"

namespace gossip {

namespace {

const char* sampler_names = "uniform, round-robin, ring, zone";

void run_round(node_actor* self) {
  auto& st = self->state;
  if (st.faults->crashed())
    return;
  ++st.round;
  ++st.acct->stats.rounds;
  if (!st.faults->alive_at(st.round))
    return; // a crash for experiments: silent from now on, deaf to everything
  // Delayed messages due this round go out before the round's own.
  for (auto& [to, msg] : st.faults->due(st.round))
    self->send(to, msg);
  for (auto& p : st.protocols)
    p->on_round(*st.port);
  persist(self, durability::written); // what the round changed (collected tombstones)
}

// Synchronous rounds: what arrived during the round takes effect now, in
// the order it arrived.
void end_round(node_actor* self) {
  auto& st = self->state;
  auto held = std::move(st.held);
  st.held.clear();
  for (auto& [from, x] : held)
    merge_now(*st.port, from, x);
  if (!held.empty())
    persist(self, durability::written);
}

// The link to `name` is gone: every protocol hears it (overlays repair).
void link_lost(node_actor* self, const std::string& name) {
  auto& st = self->state;
  if (st.faults->crashed())
    return;
  for (auto& p : st.protocols)
    p->link_lost(*st.port, name);
}

void schedule_tick(node_actor* self) {
  auto& st = self->state;
  double factor = 1.0;
  if (st.cfg.jitter > 0)
    factor +=
        std::uniform_real_distribution<double>{-st.cfg.jitter, st.cfg.jitter}(st.rng);
  auto delay = std::chrono::duration_cast<caf::timespan>(st.cfg.interval * factor);
  self->delayed_send(self, delay, in_process, caf::tick_atom::value);
}

void add_peer(node_actor* self, const peer& p) {
  auto& st = self->state;
  if (p.name == st.cfg.name || !check_name(p.name, st.cfg.limits).empty() || !p.handle)
    return;
  st.routes->bind(p.name, p.handle);
  st.view->add(p.name);
}

void remove_peer(node_actor* self, const std::string& name) {
  self->state.routes->forget(name);
  self->state.view->remove(name);
}

// What /metrics reads besides the counters (metrics.hpp). Tombstones are
// counted by walking the store once per scrape, not on every merge.
node_gauges gauges(const node_state& st) {
  node_gauges g;
  for (auto& kv : st.data.items())
    ++(kv.second.tombstone ? g.tombstones : g.keys);
  g.bytes = st.data.bytes();
  for (auto& p : st.protocols)
    g.pending[p->name()] += p->pending();
  g.waiting = st.routes->waiting();
  g.connecting = st.routes->connecting();
  g.delay = st.delay;
  return g;
}

// Loss and delay changed from outside: only where the operator allowed it.
caf::result<bool> set_faults(node_actor* self, double loss, uint64_t delay_rounds) {
  auto& st = self->state;
  if (!st.cfg.faults.controllable) {
    st.acct->log_once("faults", "refused to change its faults: fault control is off");
    return caf::make_error(caf::sec::runtime_error, "fault control is off on this node");
  }
  if (auto err = fault_layer::check(loss, delay_rounds); !err.empty())
    return caf::make_error(caf::sec::invalid_argument, err);
  st.faults->set(loss, delay_rounds);
  return true;
}

std::vector<member_update> static_members(node_actor* self) {
  // Without a membership protocol, the static peers are the members.
  auto& st = self->state;
  std::vector<member_update> result{
      member_update{st.cfg.name, 0, 0, st.cfg.address, {}, {}}};
  for (auto& name : st.view->names())
    if (name != st.cfg.name)
      result.push_back(member_update{name, 0, 0, {}, {}, {}});
  return result;
}

// The node's own interface (atoms.hpp lists it).
caf::message_handler api(node_actor* self) {
  return {
      [=](in_process_t, caf::tick_atom) {
        run_round(self);
        schedule_tick(self);
      },
      [=](in_process_t, round_atom) {
        run_round(self);
        return self->state.round;
      },
      [=](in_process_t, round_end_atom) { end_round(self); },
      [=](caf::put_atom, const std::string& key, const std::string& value) {
        return put(self, key, value);
      },
      [=](caf::get_atom, const std::string& key) {
        auto value = self->state.data.get(key);
        return std::make_tuple(value != nullptr, value ? *value : std::string{});
      },
      [=](caf::delete_atom, const std::string& key) { return erase(self, key); },
      [=](caf::put_atom, const std::string& key, const std::string& value,
          const write_level& level) { return put_with_level(self, key, value, level); },
      [=](caf::delete_atom, const std::string& key, const write_level& level) {
        return erase_with_level(self, key, level);
      },
      [=](caf::subscribe_atom, const caf::actor& who) {
        auto& st = self->state;
        auto& subs = st.subscribers;
        if (!who || std::find(subs.begin(), subs.end(), who) != subs.end())
          return;
        if (subs.size() >= st.cfg.limits.max_subscribers) {
          st.acct->log_once("subscribers", "refused a subscriber: already " +
                                               std::to_string(subs.size()));
          ++st.acct->stats.refused_subscribers;
          return;
        }
        subs.push_back(who);
        self->monitor(who);
      },
      [=](caf::unsubscribe_atom, const caf::actor& who) {
        auto& subs = self->state.subscribers;
        subs.erase(std::remove(subs.begin(), subs.end(), who), subs.end());
      },
      [=](in_process_t, caf::join_atom, const peer& p) { add_peer(self, p); },
      [=](in_process_t, caf::leave_atom, const std::string& name) {
        remove_peer(self, name);
      },
      [=](in_process_t, peers_atom, const std::vector<peer>& ps) {
        self->state.routes->clear();
        self->state.view->assign({});
        for (auto& p : ps)
          add_peer(self, p);
      },
      [=](peers_atom, const directory_ptr& dir) {
        self->state.routes->share(dir);
        if (!self->state.partial_view) // the overlay brings its peers up itself
          self->state.view->share(dir);
      },
      [=](peers_atom) {
        auto names = self->state.view->names();
        names.erase(std::remove(names.begin(), names.end(), self->state.cfg.name),
                    names.end());
        return names;
      },
      [=](in_process_t, link_lost_atom, const std::string& name) {
        link_lost(self, name);
      },
      [=](in_process_t, address_atom, const std::string& address) {
        self->state.cfg.address = address;
      },
      [=](in_process_t, caf::leave_atom) {
        for (auto& p : self->state.protocols)
          p->on_leave(*self->state.port);
        persist(self, durability::written);
      },
      [=](flush_atom) {
        if (self->state.disk)
          self->state.disk->flush_scheduled = false;
        persist(self, durability::written);
      },
      [=](members_atom) { return static_members(self); },
      [=](faults_atom, double loss, uint64_t delay_rounds) {
        return set_faults(self, loss, delay_rounds);
      },
      [=](stats_atom) {
        auto c = self->state.acct->stats;
        c.store_keys = self->state.data.size();
        c.store_bytes = self->state.data.bytes();
        return c;
      },
      [=](in_process_t, metrics_atom) { return gauges(self->state); },
      [=](snapshot_atom) { return self->state.data.entries(); },
  };
}

struct node_setup {
  node_config cfg;
  std::vector<std::unique_ptr<protocol>> protocols;
};

void init_state(node_actor* self, node_setup& setup) {
  auto& st = self->state;
  st.cfg = std::move(setup.cfg);
  st.protocols = std::move(setup.protocols);
  // The zone sampler reads peers' zones through the port's labels.
  st.sampler = make_sampler(
      st.cfg.sampler,
      [self](const std::string& peer) { return self->state.port->label(peer, "zone"); },
      st.cfg.zone_local);
  st.rng.seed(st.cfg.seed);
  st.view.emplace(st.cfg.name);
  st.acct.emplace(self->system(), st.cfg.name);
  st.faults.emplace(st.cfg.faults, st.cfg.seed);
  st.routes.emplace(self, *st.acct, *st.faults);
  st.port = std::make_unique<node_port>(self);
  // The previous life, before the first message (and before SWIM reads its
  // first incarnation in attach).
  if (st.cfg.storage) {
    st.disk.emplace(st.cfg.storage);
    st.disk->restore(st.data, st.port->now_ms());
  }
  // Only verified addresses are kept: a forged claim must not become a seed
  // of the next life.
  st.routes->on_verified = [self](const std::string& name, const std::string& address) {
    if (self->state.disk) {
      self->state.disk->member_seen(name, address);
      self->state.port->schedule_flush();
    }
  };
  st.replicas = std::make_unique<replicator>(self, st);
  st.routes->on_unreachable = [self](const std::string& address, const std::string& why) {
    if (self->state.port->observed())
      self->state.port->emit(unreachable_event(address, why));
  };
  // Told later, in a message of its own: a send that finds a link dead runs
  // inside some protocol's handler, which must not see its view change.
  st.routes->on_lost = [self](const std::string& name) {
    if (self->state.partial_view)
      self->send(self, in_process, link_lost_atom::value, name);
  };
  for (auto& p : st.protocols)
    if (auto m = dynamic_cast<membership_protocol*>(p.get())) {
      st.partial_view = st.partial_view || m->partial_view();
      m->attach(*st.port);
    }
  st.routes->report_stopped = st.partial_view;
}

caf::behavior node_impl(node_actor* self, std::shared_ptr<node_setup> setup) {
  init_state(self, *setup);
  auto& st = self->state;
  self->set_default_handler(
      [](caf::scheduled_actor* ptr, caf::message_view& x) -> caf::result<caf::message> {
        static_cast<node_actor*>(ptr)->state.acct->unknown(x.content());
        return caf::sec::unexpected_message;
      });
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(
        std::remove_if(subs.begin(), subs.end(),
                       [&](const caf::actor& a) { return a.address() == dm.source; }),
        subs.end());
    self->state.routes->down(dm.source);
  });
  if (st.cfg.auto_tick)
    schedule_tick(self);
  // Protocols first, in the order given: their wire messages, then their API;
  // then the write levels' exchange; the node's own interface last.
  handler_set exchange;
  st.replicas->handlers(exchange);
  caf::message_handler result =
      exchange.build(*st.port).or_else(st.replicas->api()).or_else(api(self));
  for (auto i = st.protocols.rbegin(); i != st.protocols.rend(); ++i) {
    handler_set hs;
    (*i)->handlers(hs);
    result = hs.build(*st.port).or_else((*i)->api(*st.port)).or_else(result);
  }
  return result;
}

} // namespace

size_t directory::find(const std::string& name) const {
  // Clusters named 0..n-1 (local_cluster): the name is the index.
  if (numbered && !name.empty() && name.size() <= 9 &&
      name.find_first_not_of("0123456789") == std::string::npos) {
    // names[i] is std::to_string(i): a number without a leading zero names
    // node i, and names[i] stays unread (a cache miss in a large cluster).
    auto i = static_cast<size_t>(std::stoul(name));
    bool canonical = name.size() == 1 || name[0] != '0';
    return i < names.size() && canonical ? i : npos;
  }
  auto i = index.find(name);
  return i == index.end() ? npos : i->second;
}

namespace {

// The node behind `node`, if it runs (started, not terminated).
node_actor* running(const caf::actor& node) {
  auto ptr = dynamic_cast<node_actor*>(caf::actor_cast<caf::abstract_actor*>(node));
  if (!ptr || !ptr->getf(caf::abstract_actor::is_initialized_flag) ||
      ptr->getf(caf::abstract_actor::is_terminated_flag))
    return nullptr;
  return ptr;
}

} // namespace

bool run_round_now(const caf::actor& node, caf::execution_unit& unit) {
  auto self = running(node);
  if (!self)
    return false;
  self->context(&unit);
  run_round(self);
  return true;
}

bool end_round_now(const caf::actor& node, caf::execution_unit& unit) {
  auto self = running(node);
  if (!self)
    return false;
  self->context(&unit);
  end_round(self);
  return true;
}

node_internals peek(const caf::actor& node) {
  auto ptr = running(node); // a stopped node's state is gone
  if (!ptr)
    return {};
  auto& st = ptr->state;
  return node_internals{&st.data, &st.acct->stats, &st.protocols, &st.view->names(),
                        st.round};
}

std::string validate(const node_config& cfg) {
  if (auto err = check_name(cfg.name, cfg.limits); !err.empty())
    return "name: " + err;
  if (make_sampler(cfg.sampler, [](const std::string&) { return std::string{}; }) ==
      nullptr)
    return "unknown sampler '" + cfg.sampler + "' (known: " + sampler_names + ")";
  if (!(cfg.faults.loss >= 0 && cfg.faults.loss <= 1))
    return "loss must be between 0 and 1";
  if (!(cfg.jitter >= 0 && cfg.jitter < 1))
    return "jitter must be at least 0 and below 1";
  if (cfg.interval.count() <= 0 || cfg.interval > std::chrono::hours{1})
    return "interval must be from 1ms to 1h";
  // The labels travel in this node's member updates: what peers would drop
  // must not start (it would run but never join).
  member_update self{cfg.name, 1, 0, cfg.address, cfg.labels, cfg.name};
  if (auto err = validate(self, cfg.limits); !err.empty())
    return "labels: " + err;
  for (auto& [k, v] : cfg.labels)
    if (k.empty())
      return "labels: an empty label name";
  return {};
}

caf::actor spawn_node(caf::actor_system& sys, node_config cfg,
                      std::vector<std::unique_ptr<protocol>> protocols) {
  if (auto err = validate(cfg); !err.empty())
    throw std::invalid_argument(err);
  bool io_thread = cfg.io_thread;
  if (io_thread && !sys.has_middleman())
    throw std::invalid_argument("io_thread: the actor system has no middleman loaded");
  auto setup =
      std::make_shared<node_setup>(node_setup{std::move(cfg), std::move(protocols)});
  if (io_thread)
    return spawn_on_io_thread(
        sys, [setup](node_actor* self) { return node_impl(self, setup); });
  return sys.spawn(node_impl, std::move(setup));
}

} // namespace gossip
