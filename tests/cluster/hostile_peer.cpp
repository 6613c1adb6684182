#include "hostile_peer.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <map>

#include "gossip/atoms.hpp"
#include "gossip/guard.hpp"
#include "gossip/types.hpp"

namespace gossip::hostile {

namespace {

using namespace std::chrono_literals;

// Takes whatever a node sends it, counts it and never answers.
caf::behavior mute(caf::event_based_actor* self, std::shared_ptr<std::atomic<size_t>> n) {
  self->set_default_handler(
      [n](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
        ++*n;
        return caf::message{};
      });
  return {[](caf::ok_atom) {}};
}

} // namespace

struct hostile_peer::impl {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::map<uint16_t, caf::actor> nodes;
  std::shared_ptr<std::atomic<size_t>> stolen = std::make_shared<std::atomic<size_t>>(0);
  caf::actor me;

  impl() {
    register_types(cfg);
    cfg.load<caf::io::middleman>();
    cfg.set("middleman.app-identifiers", std::vector<std::string>{"caf-gossip"});
    // Within every node's idle timeout, as any honest peer.
    cfg.set("middleman.heartbeat-interval", caf::timespan{300ms});
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
    me = sys->spawn(mute, stolen);
  }

  ~impl() {
    guard::stop(*sys);
    caf::anon_send_exit(me, caf::exit_reason::user_shutdown);
  }

  caf::actor node(uint16_t port) {
    if (auto i = nodes.find(port); i != nodes.end())
      return i->second;
    // Through a guard of our own, as gossip-ctl dials: bounded in time.
    guard::settings s;
    s.idle_timeout = std::chrono::hours{24};
    auto h = guard::dial(*sys, "127.0.0.1", port, s);
    if (!h)
      return {};
    return nodes[port] = *h;
  }

  template <class T, class... Ts> std::optional<T> ask(uint16_t port, Ts... xs) {
    auto to = node(port);
    if (!to)
      return std::nullopt;
    caf::scoped_actor self{*sys};
    std::optional<T> result;
    self->request(to, 10s, xs...)
        .receive([&](const T& x) { result = x; },
                 // Gone (a node restarted on this port, say): connect anew
                 // next time.
                 [&](caf::error&) { nodes.erase(port); });
    return result;
  }
};

hostile_peer::hostile_peer() : impl_(std::make_unique<impl>()) {}

hostile_peer::~hostile_peer() = default;

bool hostile_peer::send(uint16_t port, caf::message msg, sender as) {
  auto to = impl_->node(port);
  if (!to)
    return false;
  if (as == sender::anonymous)
    caf::anon_send(to, std::move(msg));
  else
    caf::send_as(impl_->me, to, std::move(msg));
  return true;
}

std::optional<counters> hostile_peer::stats(uint16_t port) {
  return impl_->ask<counters>(port, stats_atom::value);
}

std::optional<std::vector<member_update>> hostile_peer::members(uint16_t port) {
  return impl_->ask<std::vector<member_update>>(port, members_atom::value);
}

size_t hostile_peer::stolen() const {
  return *impl_->stolen;
}

} // namespace gossip::hostile
