#include "routing.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/middleman_actor.hpp>

#include "accounting.hpp"
#include "faults.hpp"
#include "gossip/address.hpp"
#include "gossip/guard.hpp"

namespace gossip {

routing::routing(caf::event_based_actor* self, accounting& acct, fault_layer& faults)
    : self_(self), acct_(acct), faults_(faults) {}

void routing::transmit(const caf::actor& to, const caf::message& msg) {
  switch (faults_.judge(to, msg)) {
  case fault_layer::verdict::pass:
    self_->send(to, msg);
    break;
  case fault_layer::verdict::lost:
    ++acct_.stats.lost;
    break;
  default:
    break; // delayed (sent later) or silent (crashed)
  }
}

caf::actor routing::route(const std::string& name) const {
  if (!handles_.empty()) // in-process peers: no hash of the name
    if (auto i = handles_.find(name); i != handles_.end())
      return i->second;
  if (dir_)
    if (auto j = dir_->find(name); j != directory::npos)
      return dir_->actors[j];
  return {};
}

void routing::bind(const std::string& name, const caf::actor& handle) {
  // In-process peers are found in the directory: no copy of their handle.
  if (handle && route(name) != handle) {
    handles_[name] = handle;
    watch(handle);
  }
}

void routing::heard(const std::string& name, const caf::actor& handle) {
  if (!handle)
    return;
  // A peer of the shared in-process directory, speaking through the handle
  // the directory has, has no address to verify: recording it would cost
  // every node of a large simulation a map entry per peer it heard from.
  if (dir_)
    if (auto j = dir_->find(name); j != directory::npos && dir_->actors[j] == handle)
      return;
  auto& last = heard_[name];
  if (last != handle) {
    last = handle;
    ++epoch_;
  }
  check_verified(name);
}

void routing::check_verified(const std::string& name) {
  auto a = addresses_.find(name);
  if (a == addresses_.end() || !verified(name, a->second))
    return;
  auto& r = reported_[name];
  if (r == a->second)
    return;
  r = a->second;
  if (on_verified)
    on_verified(name, r);
}

bool routing::verified(const std::string& name, const std::string& address) const {
  auto a = by_address_.find(address);
  auto h = heard_.find(name);
  return a != by_address_.end() && h != heard_.end() && a->second == h->second;
}

void routing::verify(const std::string& name, const std::string& address) {
  addresses_[name] = address;
  if (verified(name, address))
    check_verified(name);
  else if (by_address_.count(address) == 0)
    with_connection(
        address, [](const caf::actor&) {}, [] {});
}

void routing::watch(const caf::actor& handle) {
  if (handle.node() != self_->node() && watched_.insert(handle.address()).second)
    self_->monitor(handle);
}

void routing::drop_remote(const std::string& name) {
  addresses_.erase(name);
  heard_.erase(name);
  reported_.erase(name);
  auto h = handles_.find(name);
  if (h != handles_.end() && h->second.node() != self_->node())
    handles_.erase(h);
}

void routing::forget(const std::string& name) {
  addresses_.erase(name);
  heard_.erase(name);
  reported_.erase(name);
  handles_.erase(name);
}

namespace {

// An in-process peer that stopped: what a refused connection is remotely.
bool stopped(const caf::actor& to) {
  auto ptr = caf::actor_cast<caf::abstract_actor*>(to);
  return ptr && ptr->getf(caf::abstract_actor::is_terminated_flag);
}

} // namespace

bool routing::send(const std::string& name, const caf::message& msg) {
  if (auto to = route(name)) {
    if (report_stopped && to.node() == self_->node() && stopped(to) && on_lost) {
      on_lost(name);
      return false;
    }
    acct_.sent(msg);
    transmit(to, msg);
    return true;
  }
  // Its connection was lost (closed by a guard, say) while it is a member:
  // connect again.
  if (auto a = addresses_.find(name); a != addresses_.end())
    connect(name, a->second);
  auto w = waiting_.find(name);
  if (connecting_.count(name) > 0 && (w == waiting_.end() || w->second.size() < 64)) {
    waiting_[name].push_back(msg);
    return true;
  }
  ++acct_.stats.unroutable;
  return false;
}

size_t routing::waiting() const {
  size_t n = 0;
  for (auto& [name, msgs] : waiting_)
    n += msgs.size();
  return n;
}

void routing::watch_link(const std::string& name) {
  // A remote route is watched already (watch): its connection's end is the
  // link's end. In-process, the peer actor's end is.
  auto h = route(name);
  if (h && h.node() == self_->node() && links_.emplace(name, h.address()).second)
    self_->monitor(h);
}

void routing::unwatch_link(const std::string& name) {
  auto i = links_.find(name);
  if (i == links_.end())
    return;
  auto who = i->second;
  links_.erase(i);
  for (auto& [other, addr] : links_)
    if (addr == who)
      return; // another name's link is the same actor
  self_->demonitor(who);
}

void routing::down(const caf::actor_addr& who) {
  std::set<std::string> lost;
  for (auto i = links_.begin(); i != links_.end();) {
    if (i->second != who) {
      ++i;
      continue;
    }
    lost.insert(i->first);
    i = links_.erase(i);
  }
  if (watched_.erase(who) > 0) {
    for (auto i = by_address_.begin(); i != by_address_.end();)
      i = i->second.address() == who ? by_address_.erase(i) : std::next(i);
    for (auto i = handles_.begin(); i != handles_.end();) {
      if (i->second.address() != who) {
        ++i;
        continue;
      }
      lost.insert(i->first);
      i = handles_.erase(i);
    }
    for (auto i = heard_.begin(); i != heard_.end();)
      i = i->second.address() == who ? heard_.erase(i) : std::next(i);
  }
  if (on_lost)
    for (auto& name : lost)
      on_lost(name);
}

void routing::with_connection(const std::string& address, on_actor f, on_fail fail) {
  auto hp = parse_host_port(address);
  auto& sys = self_->system();
  if (!hp || !sys.has_middleman()) {
    acct_.log_once("address:" + address, "cannot use address '" + address + "'");
    fail();
    return;
  }
  if (auto i = by_address_.find(address); i != by_address_.end()) {
    f(i->second);
    return;
  }
  if (auto b = failed_.find(address);
      b != failed_.end() && std::chrono::steady_clock::now() < b->second.until) {
    ++acct_.stats.deferred_dials;
    fail();
    return;
  }
  auto& waiting = dialing_[address];
  waiting.emplace_back(std::move(f), std::move(fail));
  if (waiting.size() == 1)
    dial(address, hp->host, hp->port);
}

// Without blocking the node and without waiting for other connects: the
// guard makes each on a thread of its own; so does a middleman actor spawned
// for this one connect (TLS, or no guard).
void routing::dial(const std::string& address, const std::string& host, uint16_t port) {
  auto& sys = self_->system();
  auto ok = [this, address](const caf::node_id&, caf::strong_actor_ptr& ptr,
                            const std::set<std::string>&) {
    if (ptr)
      dialed(address, caf::actor_cast<caf::actor>(ptr));
    else
      dial_failed(address, caf::make_error(caf::sec::cannot_connect_to_node));
  };
  auto failed = [this, address](caf::error& err) { dial_failed(address, err); };
  auto g = guard::of(sys);
  if (g && !sys.has_openssl_manager()) {
    self_->request(g, guard::max_dial_limit, caf::connect_atom::value, host, port)
        .then(ok, failed);
    return;
  }
  auto basp = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  auto mm = sys.has_openssl_manager() ? caf::openssl::make_middleman_actor(sys, basp)
                                      : caf::io::make_middleman_actor(sys, basp);
  self_->request(mm, std::chrono::seconds(5), caf::connect_atom::value, host, port)
      .then(
          [ok, mm](const caf::node_id& n, caf::strong_actor_ptr& ptr,
                   const std::set<std::string>& sigs) {
            caf::anon_send_exit(mm, caf::exit_reason::user_shutdown);
            ok(n, ptr, sigs);
          },
          [failed, mm](caf::error& err) {
            caf::anon_send_exit(mm, caf::exit_reason::user_shutdown);
            failed(err);
          });
}

void routing::dialed(const std::string& address, const caf::actor& h) {
  failed_.erase(address);
  watch(h);
  by_address_[address] = h;
  ++epoch_;
  for (auto& [name, a] : addresses_)
    if (a == address)
      check_verified(name);
  auto waiting = std::move(dialing_[address]);
  dialing_.erase(address);
  for (auto& w : waiting)
    w.first(h);
}

void routing::dial_failed(const std::string& address, const caf::error& err) {
  using namespace std::chrono;
  if (failed_.size() >= 4096 && failed_.count(address) == 0)
    failed_.erase(failed_.begin()); // bounded: claims may name any address
  auto& b = failed_[address];
  b.next = b.next.count() == 0 ? milliseconds{1000}
                               : std::min(b.next * 2, milliseconds{16000});
  b.until = steady_clock::now() + b.next;
  auto waiting = std::move(dialing_[address]);
  dialing_.erase(address);
  for (auto& w : waiting)
    w.second();
  auto why = self_->system().render(err);
  if (on_unreachable)
    on_unreachable(address, why);
  acct_.log_once("unreachable:" + address,
                 "cannot reach " + address + ": " + why + " (will retry)");
}

void routing::connect(const std::string& name, const std::string& address) {
  addresses_[name] = address;
  if (!connecting_.insert(name).second)
    return;
  with_connection(
      address,
      [this, name](const caf::actor& h) {
        connecting_.erase(name);
        handles_[name] = h;
        auto w = waiting_.find(name);
        if (w == waiting_.end())
          return;
        auto msgs = std::move(w->second);
        waiting_.erase(w);
        for (auto& msg : msgs) {
          acct_.sent(msg);
          transmit(h, msg);
        }
      },
      [this, name] {
        connecting_.erase(name);
        if (auto w = waiting_.find(name); w != waiting_.end()) {
          acct_.stats.unroutable += w->second.size();
          waiting_.erase(w);
        }
      });
}

void routing::send_to_address(const std::string& address, const caf::message& msg) {
  with_connection(
      address,
      [this, msg](const caf::actor& h) {
        acct_.sent(msg);
        transmit(h, msg);
      },
      [] {});
}

} // namespace gossip
