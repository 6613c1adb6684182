#include "node_port.hpp"

#include <caf/event_based_actor.hpp>

#include "replicator.hpp"

namespace gossip {

const char* node_state::name = "gossip_node";

node_state::~node_state() {
  // The node's last changes (a clean stop; after a crash the next start
  // finds what the last commit left).
  if (disk)
    disk->flush(data, durability::synced);
}

int64_t node_port::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(self_->clock().now().time_since_epoch()).count();
}

std::vector<std::string> node_port::sample(size_t k) {
  return st_.sampler->sample(st_.cfg.name, peers(), k, st_.rng);
}

std::string node_port::label(const std::string& name, const std::string& key) const {
  const std::map<std::string, std::string>* ls = nullptr;
  if (name == st_.cfg.name)
    ls = &st_.cfg.labels;
  else if (auto i = st_.labels.find(name); i != st_.labels.end())
    ls = &i->second;
  else if (auto& dir = st_.routes->dir(); dir && !dir->labels.empty())
    if (auto j = dir->find(name); j != directory::npos)
      ls = &dir->labels[j];
  if (!ls)
    return {};
  auto v = ls->find(key);
  return v == ls->end() ? std::string{} : v->second;
}

void node_port::send(const std::string& peer, const caf::message& msg, carries what) {
  // Only what leaves (or waits for its connection) counts as traffic.
  if (st_.routes->send(peer, msg) && what == carries::update)
    ++st_.acct->stats.update_msgs;
}

void node_port::emit(event ev) {
  ev.node = st_.cfg.name;
  ev.round = st_.round;
  ev.time_ms = now_ms();
  auto msg = caf::make_message(std::move(ev));
  for (auto& sub : st_.subscribers)
    self_->send(sub, msg);
}

void node_port::count(tally what, const std::string& why) {
  if (what != tally::rejected_item)
    return tally_into(st_.acct->stats, what, st_.round);
  if (auto e = self_->current_mailbox_element())
    st_.acct->rejected_item(e->content(), why);
}

bool node_port::sender_is(const std::string& name) const {
  auto to = st_.routes->route(name);
  return !to || to == caf::actor_cast<caf::actor>(self_->current_sender());
}

void node_port::peer_up(const std::string& name, const std::string& address,
                        bool reconnect,
                        const std::map<std::string, std::string>& labels) {
  if (name == st_.cfg.name || !check_name(name, st_.cfg.limits).empty())
    return;
  if (!labels.empty())
    st_.labels[name] = labels;
  bool routed = static_cast<bool>(st_.routes->route(name));
  if (address.empty() && !routed)
    return; // known by name only (its address unverified where we heard it)
  st_.view->add(name);
  if (st_.partial_view && routed) // an overlay's link: its loss is news (link_lost)
    st_.routes->watch_link(name);
  if (address.empty())
    return;
  if (reconnect || !routed)
    st_.routes->connect(name, address);
  else
    st_.routes->verify(name, address);
}

void node_port::peer_down(const std::string& name) {
  st_.view->remove(name);
  st_.routes->unwatch_link(name);
  st_.routes->drop_remote(name);
}

void node_port::send_to_address(const std::string& address, const caf::message& msg) {
  st_.routes->send_to_address(address, msg);
}

bool node_port::verified(const std::string& name, const std::string& address) const {
  return st_.routes->verified(name, address);
}

uint64_t node_port::verification_epoch() const {
  return st_.routes->verification_epoch();
}

bool node_port::connecting(const std::string& name) const {
  return st_.routes->connecting(name);
}

bool node_port::admit(const std::string& problem) {
  if (st_.faults->crashed())
    return false; // a crashed node hears nothing
  auto& content = self_->current_mailbox_element()->content();
  st_.acct->received(content);
  if (problem.empty()) {
    schedule_flush();
    return true;
  }
  st_.acct->rejected(content, problem);
  return false;
}

// What the handler about to run changes is committed after it, together with
// whatever else is in the mailbox before the flush: one commit per burst.
void node_port::schedule_flush() {
  if (!st_.disk || st_.disk->flush_scheduled)
    return;
  st_.disk->flush_scheduled = true;
  self_->send(self_, flush_atom::value);
}

uint64_t node_port::first_incarnation() const {
  return st_.disk ? st_.disk->first_incarnation() : 1;
}

void node_port::incarnation_changed(uint64_t incarnation) {
  if (st_.disk)
    st_.disk->incarnation_changed(incarnation);
}

void node_port::bind(const std::string& name) {
  if (name == st_.cfg.name)
    return;
  auto sender = caf::actor_cast<caf::actor>(self_->current_sender());
  // A claim never replaces a route: anyone can name any sender, and a peer
  // calling itself after a member got that member's traffic until the
  // member's next message took it back. A route ends with its connection,
  // or is made anew for a new life or address (peer_up).
  if (!st_.routes->route(name))
    st_.routes->bind(name, sender);
  st_.routes->heard(name, sender);
}

void node_port::answer(reply r) {
  auto to = caf::actor_cast<caf::actor>(self_->current_sender());
  if (!to)
    return;
  if (r.what == carries::update)
    ++st_.acct->stats.update_msgs;
  st_.acct->sent(r.msg);
  st_.routes->transmit(to, r.msg);
}

} // namespace gossip
