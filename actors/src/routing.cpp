#include "routing.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "accounting.hpp"
#include "faults.hpp"
#include "gossip/address.hpp"

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
  if (auto i = handles_.find(name); i != handles_.end())
    return i->second;
  if (dir_)
    if (auto j = dir_->find(name); j != directory::npos)
      return dir_->actors[j];
  return {};
}

void routing::bind(const std::string& name, const caf::actor& handle) {
  // In-process peers are found in the directory: no copy of their handle.
  if (handle && route(name) != handle)
    handles_[name] = handle;
}

void routing::drop_remote(const std::string& name) {
  auto h = handles_.find(name);
  if (h != handles_.end() && h->second.node() != self_->node())
    handles_.erase(h);
}

void routing::send(const std::string& name, const caf::message& msg) {
  if (auto to = route(name)) {
    acct_.sent(msg);
    transmit(to, msg);
    return;
  }
  auto w = waiting_.find(name);
  if (connecting_.count(name) > 0 && (w == waiting_.end() || w->second.size() < 64))
    waiting_[name].push_back(msg);
  else
    ++acct_.stats.unroutable;
}

// Connects to "host:port" through the middleman without blocking the node,
// then calls f with the actor published there.
template <class F, class G>
void routing::with_connection(const std::string& address, F f, G fail) {
  auto hp = parse_host_port(address);
  auto& sys = self_->system();
  if (!hp || !sys.has_middleman()) {
    acct_.log_once("address:" + address, "cannot use address '" + address + "'");
    fail();
    return;
  }
  // A system with the OpenSSL module talks TLS to everyone.
  auto mm = sys.has_openssl_manager() ? sys.openssl_manager().actor_handle()
                                      : sys.middleman().actor_handle();
  self_
      ->request(mm, std::chrono::seconds(5), caf::connect_atom::value, hp->host, hp->port)
      .then(
          [f, fail](const caf::node_id&, caf::strong_actor_ptr& ptr,
                    const std::set<std::string>&) {
            if (ptr)
              f(caf::actor_cast<caf::actor>(ptr));
            else
              fail();
          },
          [this, address, fail](caf::error& err) {
            fail();
            auto why = self_->system().render(err);
            if (on_unreachable)
              on_unreachable(address, why);
            acct_.log_once("unreachable:" + address,
                           "cannot reach " + address + ": " + why + " (will retry)");
          });
}

void routing::connect(const std::string& name, const std::string& address) {
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
