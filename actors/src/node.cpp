#include "gossip/node.hpp"

#include <caf/actor_system.hpp>
#include <caf/detail/serialized_size.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>
#include <iostream>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "gossip/atoms.hpp"
#include "gossip/counters.hpp"
#include "gossip/event.hpp"
#include "gossip/membership.hpp"

namespace gossip {

namespace {

class node_context;

struct node_state {
  node_config cfg;
  std::vector<std::unique_ptr<protocol>> protocols;
  std::unique_ptr<peer_sampler> sampler;
  rng_type rng;
  store data;
  std::unordered_map<std::string, caf::actor> handles;
  std::vector<std::string> view;        // natural order, without self
  std::shared_ptr<const directory> dir; // in-process clusters: shared by all
  std::unordered_map<std::string, std::map<std::string, std::string>> labels;
  rng_type fault_rng;
  std::vector<std::tuple<uint64_t, caf::actor, caf::message>> delayed; // due round
  bool crashed = false;
  uint64_t round = 0;
  counters stats;
  std::vector<caf::actor> subscribers;
  std::set<std::string> logged; // rejection kinds already reported
  std::unique_ptr<node_context> ctx;
  std::set<std::string> connecting; // names with a connect under way
  std::unordered_map<std::string, std::vector<caf::message>> waiting; // for them
  // stats.by_type entries by message type: no name lookups per message.
  std::vector<std::pair<const std::type_info*, traffic*>> traffic_of;
  static const char* name;
};

const char* node_state::name = "gossip_node";

using node_actor = caf::stateful_actor<node_state>;

int64_t clock_ms(node_actor* self) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(self->clock().now().time_since_epoch()).count();
}

size_t wire_size(node_actor* self, const caf::type_erased_tuple& x) {
  caf::detail::serialized_size_inspector f{self->system()};
  x.save(f);
  return f.result();
}

// Byte counting serializes every message once more. A message sent in-process
// is counted by its receiver too; the sender's result is remembered here
// (holding the message keeps its data alive, so the address is not reused).
class size_cache {
public:
  size_t sent(node_actor* self, const caf::message& msg) {
    auto key = msg.cvals().get();
    if (auto i = index_.find(key); i != index_.end())
      return ring_[i->second].second;
    auto bytes = wire_size(self, msg);
    auto& slot = ring_[next_];
    if (slot.first.cvals())
      index_.erase(slot.first.cvals().get());
    slot = {msg, bytes};
    index_[key] = next_;
    next_ = (next_ + 1) % ring_.size();
    return bytes;
  }

  size_t received(node_actor* self, const caf::type_erased_tuple& content) {
    if (auto msg = dynamic_cast<const caf::message*>(&content))
      if (auto i = index_.find(msg->cvals().get()); i != index_.end())
        return ring_[i->second].second;
    return wire_size(self, content);
  }

private:
  std::vector<std::pair<caf::message, size_t>> ring_ =
      std::vector<std::pair<caf::message, size_t>>(1024);
  std::unordered_map<const void*, size_t> index_;
  size_t next_ = 0;
};

thread_local size_cache sizes;

const std::string& type_name(node_actor* self, const caf::type_erased_tuple& x) {
  static const std::string empty = "(empty)";
  return x.size() == 0 ? empty : self->system().types().portable_name(x.type(0));
}

void emit(node_actor* self, event ev) {
  auto& st = self->state;
  ev.node = st.cfg.name;
  ev.round = st.round;
  ev.time_ms = clock_ms(self);
  auto msg = caf::make_message(std::move(ev));
  for (auto& sub : st.subscribers)
    self->send(sub, msg);
}

void log_once(node_actor* self, const std::string& kind, const std::string& text) {
  if (self->state.logged.insert(kind).second)
    std::cerr << "gossip node " << self->state.cfg.name << ": " << text
              << " (further ones counted, not logged)\n";
}

// The protocols' window on the node (principle 1 of DESIGN.md).
class node_context final : public context {
public:
  explicit node_context(node_actor* self) : self_(self), st_(self->state) {}

  const std::string& self() const override { return st_.cfg.name; }
  const std::vector<std::string>& peers() const override {
    return st_.dir ? st_.dir->names : st_.view;
  }
  std::vector<std::string> sample(size_t k) override {
    return st_.sampler->sample(st_.cfg.name, peers(), k, st_.rng);
  }
  rng_type& rng() override { return st_.rng; }
  uint64_t round() const override { return st_.round; }
  int64_t now_ms() const override { return clock_ms(self_); }
  const gossip::limits& limits() const override { return st_.cfg.limits; }
  store& data() override { return st_.data; }

  void send(const std::string& peer, const caf::message& msg) override {
    auto to = route(peer);
    if (!to) {
      // A peer we are still connecting to gets it once connected (a few
      // messages at most); losing it would, e.g., lose push-sum mass.
      auto w = st_.waiting.find(peer);
      if (st_.connecting.count(peer) > 0 &&
          (w == st_.waiting.end() || w->second.size() < 64))
        st_.waiting[peer].push_back(msg);
      else
        ++st_.stats.unroutable;
      return;
    }
    count_sent(msg);
    transmit(to, msg);
  }

  void reply(const caf::message& msg) override {
    auto to = caf::actor_cast<caf::actor>(self_->current_sender());
    if (!to)
      return;
    count_sent(msg);
    transmit(to, msg);
  }

  void note_update() override { ++st_.stats.update_msgs; }

  void note_fresh() override {
    auto& c = st_.stats;
    if (c.fresh++ == 0)
      c.first_fresh_round = st_.round;
    c.last_fresh_round = st_.round;
  }

  const std::map<std::string, std::string>& labels() const override {
    return st_.cfg.labels;
  }

  std::string label(const std::string& name, const std::string& key) const override {
    const std::map<std::string, std::string>* ls = nullptr;
    if (name == st_.cfg.name)
      ls = &st_.cfg.labels;
    else if (auto i = st_.labels.find(name); i != st_.labels.end())
      ls = &i->second;
    else if (st_.dir && !st_.dir->labels.empty())
      if (auto j = st_.dir->find(name); j != directory::npos)
        ls = &st_.dir->labels[j];
    if (!ls)
      return {};
    auto v = ls->find(key);
    return v == ls->end() ? std::string{} : v->second;
  }

  bool admit(const std::string& problem) override {
    if (st_.crashed)
      return false; // a crashed node hears nothing
    auto& content = self_->current_mailbox_element()->content();
    auto bytes = sizes.received(self_, content);
    for (auto* t : {&traffic_for(content), &st_.stats.total}) {
      ++t->recv_msgs;
      t->recv_bytes += bytes;
    }
    if (problem.empty())
      return true;
    ++traffic_for(content).rejected;
    ++st_.stats.total.rejected;
    auto& name = type_name(self_, content);
    log_once(self_, name + problem, "rejected " + name + ": " + problem);
    return false;
  }

  const std::string& address() const override { return st_.cfg.address; }

  void peer_up(const std::string& name, const std::string& address, bool reconnect,
               const std::map<std::string, std::string>& labels) override {
    if (name == st_.cfg.name || !check_name(name, st_.cfg.limits).empty())
      return;
    if (!labels.empty())
      st_.labels[name] = labels;
    if (std::find(st_.view.begin(), st_.view.end(), name) == st_.view.end())
      st_.view.insert(
          std::upper_bound(st_.view.begin(), st_.view.end(), name, natural_less), name);
    if (!address.empty() && (reconnect || st_.handles.count(name) == 0))
      connect(name, address);
  }

  void peer_down(const std::string& name) override {
    auto i = std::find(st_.view.begin(), st_.view.end(), name);
    if (i != st_.view.end())
      st_.view.erase(i);
    // A remote route dies with its process; a later peer_up reconnects.
    auto h = st_.handles.find(name);
    if (h != st_.handles.end() && h->second.node() != self_->node())
      st_.handles.erase(h);
  }

  void bind_sender(const std::string& name) override {
    auto h = caf::actor_cast<caf::actor>(self_->current_sender());
    if (h && name != st_.cfg.name)
      st_.handles[name] = h;
  }

  void send_to_address(const std::string& address, const caf::message& msg) override {
    with_connection(
        address,
        [this, msg](const caf::actor& h) {
          count_sent(msg);
          self_->send(h, msg);
        },
        [] {});
  }

  bool observed() const override { return !st_.subscribers.empty(); }

  void emit(event ev) override { gossip::emit(self_, std::move(ev)); }

private:
  caf::actor route(const std::string& peer) const {
    if (auto i = st_.handles.find(peer); i != st_.handles.end())
      return i->second;
    if (st_.dir) {
      if (auto j = st_.dir->find(peer); j != directory::npos)
        return st_.dir->actors[j];
    }
    return {};
  }

  // The fault layer of experiments: loss, delay in rounds (crash: see
  // run_round). Without faults configured it is a plain send.
  void transmit(const caf::actor& to, const caf::message& msg) {
    auto& f = st_.cfg.faults;
    if (st_.crashed)
      return;
    if (f.loss > 0 && st_.fault_rng.uniform() < f.loss) {
      ++st_.stats.lost;
      return;
    }
    if (f.delay_rounds > 0) {
      st_.delayed.emplace_back(st_.round + f.delay_rounds, to, msg);
      return;
    }
    self_->send(to, msg);
  }

  // Connects to "host:port" through the middleman without blocking the node,
  // then calls f with the actor published there.
  template <class F, class G>
  void with_connection(const std::string& address, F f, G on_error) {
    auto colon = address.rfind(':');
    int port = colon == std::string::npos ? -1 : std::atoi(address.c_str() + colon + 1);
    if (port <= 0 || port > 65535 || !self_->system().has_middleman()) {
      log_once(self_, "address:" + address, "cannot use address '" + address + "'");
      on_error();
      return;
    }
    // A system with the OpenSSL module talks TLS to everyone.
    auto& sys = self_->system();
    auto mm = sys.has_openssl_manager() ? sys.openssl_manager().actor_handle()
                                        : sys.middleman().actor_handle();
    auto self = self_;
    self_
        ->request(mm, std::chrono::seconds(5), caf::connect_atom::value,
                  address.substr(0, colon), static_cast<uint16_t>(port))
        .then(
            [f, on_error](const caf::node_id&, caf::strong_actor_ptr& ptr,
                          const std::set<std::string>&) {
              if (ptr)
                f(caf::actor_cast<caf::actor>(ptr));
              else
                on_error();
            },
            [self, address, on_error](caf::error& err) {
              on_error();
              auto text = "cannot reach " + address + ": " + self->system().render(err);
              if (!self->state.subscribers.empty())
                gossip::emit(
                    self,
                    event{"state_changed", {}, {}, {}, {}, 0, {}, false, 0, 0, text});
              log_once(self, "unreachable:" + address, text + " (will retry)");
            });
  }

  void connect(const std::string& name, const std::string& address) {
    if (!st_.connecting.insert(name).second)
      return;
    auto self = self_;
    with_connection(
        address,
        [this, self, name](const caf::actor& h) {
          self->state.connecting.erase(name);
          self->state.handles[name] = h;
          auto w = self->state.waiting.find(name);
          if (w == self->state.waiting.end())
            return;
          auto msgs = std::move(w->second);
          self->state.waiting.erase(w);
          for (auto& msg : msgs) {
            count_sent(msg);
            transmit(h, msg);
          }
        },
        [self, name] {
          auto& st = self->state;
          st.connecting.erase(name);
          if (auto w = st.waiting.find(name); w != st.waiting.end()) {
            st.stats.unroutable += w->second.size();
            st.waiting.erase(w);
          }
        });
  }

private:
  // The counters of a message's type; the name is looked up once per type.
  traffic& traffic_for(const caf::type_erased_tuple& x) {
    auto rtti = x.size() == 0 ? nullptr : x.type(0).second;
    for (auto& [ti, t] : st_.traffic_of)
      if (ti == rtti)
        return *t;
    auto t = &st_.stats.by_type[type_name(self_, x)];
    st_.traffic_of.emplace_back(rtti, t);
    return *t;
  }

  void count_sent(const caf::message& msg) {
    auto bytes = sizes.sent(self_, msg);
    for (auto* t : {&traffic_for(msg), &st_.stats.total}) {
      ++t->sent_msgs;
      t->sent_bytes += bytes;
    }
  }

  node_actor* self_;
  node_state& st_;
};

void run_round(node_actor* self) {
  auto& st = self->state;
  if (st.crashed)
    return;
  ++st.round;
  ++st.stats.rounds;
  if (st.cfg.faults.crash_round > 0 && st.round >= st.cfg.faults.crash_round) {
    // A crash for experiments: silent from now on, deaf to everything.
    st.crashed = true;
    st.delayed.clear();
    return;
  }
  // Delayed messages due this round go out before the round's own.
  auto due = std::stable_partition(st.delayed.begin(), st.delayed.end(),
                                   [&](auto& d) { return std::get<0>(d) > st.round; });
  for (auto i = due; i != st.delayed.end(); ++i)
    self->send(std::get<1>(*i), std::get<2>(*i));
  st.delayed.erase(due, st.delayed.end());
  for (auto& p : st.protocols)
    p->on_round(*st.ctx);
}

void schedule_tick(node_actor* self) {
  auto& st = self->state;
  double factor = 1.0;
  if (st.cfg.jitter > 0)
    factor +=
        std::uniform_real_distribution<double>{-st.cfg.jitter, st.cfg.jitter}(st.rng);
  auto delay = std::chrono::duration_cast<caf::timespan>(st.cfg.interval * factor);
  self->delayed_send(self, delay, caf::tick_atom::value);
}

void add_peer(node_actor* self, const peer& p) {
  auto& st = self->state;
  if (p.name == st.cfg.name || !check_name(p.name, st.cfg.limits).empty() || !p.handle)
    return;
  auto [i, added] = st.handles.insert_or_assign(p.name, p.handle);
  if (added) {
    st.view.insert(std::upper_bound(st.view.begin(), st.view.end(), p.name, natural_less),
                   p.name);
  }
}

void remove_peer(node_actor* self, const std::string& name) {
  auto& st = self->state;
  if (st.handles.erase(name) > 0)
    st.view.erase(std::find(st.view.begin(), st.view.end(), name));
}

std::string check_write(const node_state& st, const std::string& key,
                        const std::string& value) {
  return check_entries({keyed_entry{key, entry{value, 1, st.cfg.name, false, 0}}},
                       st.cfg.limits);
}

void local_write(node_actor* self, const std::string& key) {
  auto& st = self->state;
  st.ctx->on_stored(key, *st.data.find(key));
  for (auto& p : st.protocols)
    p->on_local_write(*st.ctx, key);
}

// The node's own interface (atoms.hpp lists it).
caf::message_handler api(node_actor* self) {
  return {
      [=](caf::tick_atom) {
        run_round(self);
        schedule_tick(self);
      },
      [=](round_atom) {
        run_round(self);
        return self->state.round;
      },
      [=](caf::put_atom, const std::string& key,
          const std::string& value) -> caf::result<uint64_t> {
        auto& st = self->state;
        if (auto err = check_write(st, key, value); !err.empty())
          return caf::make_error(caf::sec::invalid_argument, err);
        auto version = st.data.put(key, value, st.cfg.name, clock_ms(self)).version;
        local_write(self, key);
        return version;
      },
      [=](caf::get_atom, const std::string& key) {
        auto value = self->state.data.get(key);
        return std::make_tuple(value != nullptr, value ? *value : std::string{});
      },
      [=](caf::delete_atom, const std::string& key) {
        auto& st = self->state;
        if (!st.data.erase(key, st.cfg.name, clock_ms(self)))
          return false;
        local_write(self, key);
        return true;
      },
      [=](caf::subscribe_atom, const caf::actor& who) {
        auto& subs = self->state.subscribers;
        if (who && std::find(subs.begin(), subs.end(), who) == subs.end()) {
          subs.push_back(who);
          self->monitor(who);
        }
      },
      [=](caf::unsubscribe_atom, const caf::actor& who) {
        auto& subs = self->state.subscribers;
        subs.erase(std::remove(subs.begin(), subs.end(), who), subs.end());
      },
      [=](caf::join_atom, const peer& p) { add_peer(self, p); },
      [=](caf::leave_atom, const std::string& name) { remove_peer(self, name); },
      [=](peers_atom, const std::vector<peer>& ps) {
        self->state.handles.clear();
        self->state.view.clear();
        for (auto& p : ps)
          add_peer(self, p);
      },
      [=](peers_atom, const directory_ptr& dir) { self->state.dir = dir; },
      [=](peers_atom) {
        return self->state.dir ? self->state.dir->names : self->state.view;
      },
      [=](address_atom, const std::string& address) {
        self->state.cfg.address = address;
      },
      [=](caf::leave_atom) {
        for (auto& p : self->state.protocols)
          p->on_leave(*self->state.ctx);
      },
      [=](members_atom) {
        // Without a membership protocol, the static peers are the members.
        std::vector<member_update> result{
            member_update{self->state.cfg.name, 0, 0, self->state.cfg.address, {}, {}}};
        for (auto& name : self->state.view)
          result.push_back(member_update{name, 0, 0, {}, {}, {}});
        return result;
      },
      [=](stats_atom) { return self->state.stats; },
      [=](snapshot_atom) { return self->state.data.entries(); },
  };
}

struct node_setup {
  node_config cfg;
  std::vector<std::unique_ptr<protocol>> protocols;
};

caf::behavior node_impl(node_actor* self, std::shared_ptr<node_setup> setup) {
  auto& st = self->state;
  st.cfg = std::move(setup->cfg);
  st.protocols = std::move(setup->protocols);
  // The zone sampler reads peers' zones through the context's labels.
  st.sampler = make_sampler(
      st.cfg.sampler,
      [self](const std::string& peer) { return self->state.ctx->label(peer, "zone"); },
      st.cfg.zone_local);
  st.rng.seed(st.cfg.seed);
  st.fault_rng.seed(derive_seed(st.cfg.seed, 0xfa));
  st.ctx = std::make_unique<node_context>(self);
  self->set_default_handler(
      [](caf::scheduled_actor* ptr, caf::message_view& x) -> caf::result<caf::message> {
        auto self = static_cast<node_actor*>(ptr);
        ++self->state.stats.unknown;
        auto& name = type_name(self, x.content());
        log_once(self, "unknown:" + name,
                 "dropped a message it does not understand: " + name);
        return caf::sec::unexpected_message;
      });
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    subs.erase(
        std::remove_if(subs.begin(), subs.end(),
                       [&](const caf::actor& a) { return a.address() == dm.source; }),
        subs.end());
  });
  if (st.cfg.auto_tick)
    schedule_tick(self);
  // Protocols first, in the order given; the node's own interface last.
  auto result = api(self);
  for (auto i = st.protocols.rbegin(); i != st.protocols.rend(); ++i)
    result = (*i)->handlers(*st.ctx).or_else(result);
  return result;
}

} // namespace

size_t directory::find(const std::string& name) const {
  // Clusters named 0..n-1 (local_cluster): the name is the index.
  if (numbered && !name.empty() && name.size() <= 9 &&
      name.find_first_not_of("0123456789") == std::string::npos) {
    auto i = static_cast<size_t>(std::stoul(name));
    return i < names.size() && names[i] == name ? i : npos;
  }
  auto i = index.find(name);
  return i == index.end() ? npos : i->second;
}

node_internals peek(const caf::actor& node) {
  auto ptr = dynamic_cast<node_actor*>(caf::actor_cast<caf::abstract_actor*>(node));
  if (!ptr)
    return {};
  auto& st = ptr->state;
  return node_internals{&st.data, &st.stats, &st.protocols, st.round};
}

caf::actor spawn_node(caf::actor_system& sys, node_config cfg,
                      std::vector<std::unique_ptr<protocol>> protocols) {
  if (auto err = check_name(cfg.name, cfg.limits); !err.empty())
    throw std::invalid_argument(err);
  if (make_sampler(cfg.sampler, [](const std::string&) { return std::string{}; }) ==
      nullptr)
    throw std::invalid_argument("unknown sampler '" + cfg.sampler +
                                "' (known: uniform, round-robin, ring, zone)");
  if (!(cfg.faults.loss >= 0 && cfg.faults.loss <= 1))
    throw std::invalid_argument("loss must be between 0 and 1");
  if (!(cfg.jitter >= 0 && cfg.jitter < 1))
    throw std::invalid_argument("jitter must be in [0, 1)");
  if (cfg.interval.count() <= 0)
    throw std::invalid_argument("interval must be positive");
  auto setup =
      std::make_shared<node_setup>(node_setup{std::move(cfg), std::move(protocols)});
  return sys.spawn(node_impl, std::move(setup));
}

} // namespace gossip
