#include "fake_port.hpp"

#include <algorithm>

namespace gossip::test {

fake_node::fake_node(std::string name, uint64_t seed)
    : name_(std::move(name)), rng_(seed), sampler_(make_uniform_sampler()) {}

fake_node::~fake_node() = default;

void fake_node::set_peers(std::vector<std::string> names) {
  names.erase(std::remove(names.begin(), names.end(), name_), names.end());
  std::sort(names.begin(), names.end(), natural_less);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  peers_ = std::move(names);
}

void fake_node::set_label(const std::string& name, const std::string& key,
                          std::string value) {
  labels_[name][key] = std::move(value);
}

protocol& fake_node::add(const std::string& name, const params& ps) {
  return add(make_protocol(name, ps));
}

protocol& fake_node::add(std::unique_ptr<protocol> p) {
  if (auto m = dynamic_cast<membership_protocol*>(p.get()))
    m->attach(*this);
  handler_set hs;
  p->handlers(hs);
  handlers_.push_back(hs.build(*this));
  protocols_.push_back(std::move(p));
  return *protocols_.back();
}

void fake_node::tick() {
  ++round_;
  for (auto& p : protocols_)
    p->on_round(*this);
}

bool fake_node::receive(const caf::message& msg, const std::string& sender) {
  sender_ = sender;
  for (auto& h : handlers_) {
    auto copy = msg;
    if (h(copy)) {
      sender_.clear();
      return true;
    }
  }
  sender_.clear();
  ++unhandled;
  return false;
}

std::optional<caf::message> fake_node::request(caf::message msg) {
  for (auto& p : protocols_)
    if (auto h = p->api(*this))
      if (auto result = h(msg))
        return *result;
  return std::nullopt;
}

void fake_node::write(const std::string& key, const std::string& value) {
  data_.put(key, value, name_, now);
  if (observed())
    emit(stored_event(key, *data_.find(key)));
  for (auto& p : protocols_)
    p->on_local_write(*this, key);
}

bool fake_node::erase(const std::string& key) {
  if (!data_.erase(key, name_, now))
    return false;
  if (observed())
    emit(stored_event(key, *data_.find(key)));
  for (auto& p : protocols_)
    p->on_local_write(*this, key);
  return true;
}

void fake_node::leave() {
  for (auto& p : protocols_)
    p->on_leave(*this);
}

size_t fake_node::pending() const {
  size_t n = 0;
  for (auto& p : protocols_)
    n += p->pending();
  return n;
}

std::vector<event> fake_node::events_of(event_kind k) const {
  std::vector<event> result;
  for (auto& e : events)
    if (e.kind == k)
      result.push_back(e);
  return result;
}

void fake_node::clear_records() {
  log.clear();
  events.clear();
  fresh = 0;
  rejected_items.clear();
  received = 0;
  rejected.clear();
  bound.clear();
  ups.clear();
  downs.clear();
  unhandled = 0;
}

// -- port ---------------------------------------------------------------------

std::vector<std::string> fake_node::sample(size_t k) {
  return sampler_->sample(name_, peers_, k, rng_);
}

std::string fake_node::label(const std::string& name, const std::string& key) const {
  auto i = labels_.find(name);
  if (i == labels_.end())
    return {};
  auto j = i->second.find(key);
  return j == i->second.end() ? std::string{} : j->second;
}

void fake_node::send(const std::string& peer, const caf::message& msg, carries what) {
  record(envelope{envelope::send, name_, peer, msg, what});
}

void fake_node::emit(event ev) {
  ev.node = name_;
  ev.round = round_;
  ev.time_ms = now;
  events.push_back(std::move(ev));
}

void fake_node::count(tally what, const std::string& why) {
  switch (what) {
  case tally::fresh:
    ++fresh;
    break;
  case tally::rejected_item:
    rejected_items.push_back(why);
    break;
  case tally::suspicion:
    ++suspicions;
    break;
  case tally::refutation:
    ++refutations;
    break;
  }
}

// -- membership_port ----------------------------------------------------------

const std::map<std::string, std::string>& fake_node::labels() const {
  static const std::map<std::string, std::string> none;
  auto i = labels_.find(name_);
  return i == labels_.end() ? none : i->second;
}

void fake_node::peer_up(const std::string& name, const std::string& address,
                        bool reconnect,
                        const std::map<std::string, std::string>& labels) {
  ups.push_back(peer_up_call{name, address, reconnect, labels});
  // As the node does: never itself, labels kept, then sampled.
  if (name == name_ || !check_name(name, lim).empty())
    return;
  if (!labels.empty())
    labels_[name] = labels;
  if (std::find(peers_.begin(), peers_.end(), name) == peers_.end()) {
    auto copy = peers_;
    copy.push_back(name);
    set_peers(std::move(copy));
  }
}

void fake_node::peer_down(const std::string& name) {
  downs.push_back(name);
  peers_.erase(std::remove(peers_.begin(), peers_.end(), name), peers_.end());
}

void fake_node::send_to_address(const std::string& address, const caf::message& msg) {
  record(envelope{envelope::to_address, name_, address, msg, carries::control});
}

bool fake_node::verified(const std::string& name, const std::string& address) const {
  return verify_all || verified_at.count(name + "@" + address) > 0;
}

// -- gate ---------------------------------------------------------------------

bool fake_node::admit(const std::string& problem) {
  ++received;
  if (problem.empty())
    return true;
  rejected.push_back(problem);
  return false;
}

void fake_node::bind(const std::string& name) {
  bound.push_back(name);
}

void fake_node::answer(reply r) {
  record(envelope{envelope::reply, name_, sender_, std::move(r.msg), r.what});
}

void fake_node::record(envelope e) {
  log.push_back(e);
  outbox.push_back(std::move(e));
}

// -- network ------------------------------------------------------------------

fake_node& fake_network::add(const std::string& name, uint64_t seed) {
  auto node = std::make_unique<fake_node>(name, seed != 0 ? seed : nodes_.size() + 1);
  auto& result = *node;
  nodes_[name] = std::move(node);
  return result;
}

void fake_network::connect_all() {
  std::vector<std::string> names;
  for (auto& [name, node] : nodes_)
    names.push_back(name);
  for (auto& [name, node] : nodes_)
    node->set_peers(names);
}

void fake_network::collect() {
  for (auto& [name, node] : nodes_) {
    for (auto& e : node->outbox)
      queue_.push_back(std::move(e));
    node->outbox.clear();
  }
}

size_t fake_network::settle(size_t max) {
  size_t n = 0;
  for (collect(); !queue_.empty() && n < max; collect()) {
    auto e = std::move(queue_.front());
    queue_.pop_front();
    fake_node* to = nullptr;
    if (e.kind == envelope::to_address) {
      for (auto& [name, node] : nodes_)
        if (node->addr == e.to)
          to = node.get();
    } else if (auto i = nodes_.find(e.to); i != nodes_.end()) {
      to = i->second.get();
    }
    if (to == nullptr || down.count(to->self()) > 0 || (drop && drop(e))) {
      ++lost;
      continue;
    }
    ++n;
    ++delivered;
    to->receive(e.msg, e.from);
  }
  return n;
}

void fake_network::round() {
  for (auto& [name, node] : nodes_)
    if (down.count(name) == 0)
      node->tick();
  settle();
}

} // namespace gossip::test
