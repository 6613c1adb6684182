#include "world_node.hpp"

#include <algorithm>
#include <stdexcept>

#include "gossip/event.hpp"
#include "gossip/membership.hpp"

namespace gossip::sim {

const std::string world_node::no_address_;

world_node::world_node(world& w, size_t index,
                       std::vector<std::unique_ptr<protocol>> protocols,
                       directory_ptr everyone)
    : w_(w), index_(index), name_(w.name(index)), protocols_(std::move(protocols)),
      view_(name_) {
  auto& o = w.options();
  // Seeded as local_cluster seeds node i, so both runtimes draw alike.
  auto seed = derive_seed(o.seed, index);
  rng_.seed(seed);
  sampler_ = make_sampler(
      o.sampler, [this](const std::string& peer) { return label(peer, "zone"); },
      o.zone_local);
  if (!sampler_)
    throw std::invalid_argument("unknown sampler '" + o.sampler + "'");
  uniform_ = o.sampler == "uniform";
  if (o.loss > 0 || o.delay_rounds > 0) {
    node_config::fault_config fc;
    fc.loss = o.loss;
    fc.delay_rounds = o.delay_rounds;
    faults_ = std::make_unique<faults_of<size_t, caf::message>>(fc, seed);
  }
  for (auto& p : protocols_)
    if (auto m = dynamic_cast<membership_protocol*>(p.get())) {
      partial_view_ = partial_view_ || m->partial_view();
      m->attach(*this);
    }
  handlers_.resize(protocols_.size());
  for (size_t k = 0; k < protocols_.size(); ++k)
    protocols_[k]->handlers(handlers_[k]);
  if (!partial_view_) // an overlay brings its peers up itself
    view_.share(std::move(everyone));
}

node_internals world_node::internals() const {
  if (crashed_)
    return {};
  return node_internals{&data_, &stats_, &protocols_, &view_.names(), round_};
}

void world_node::prefetch(int level) const {
  switch (level) {
  case 0: { // the node's lines a message's handling touches
    auto base = reinterpret_cast<const char*>(this);
    auto end = reinterpret_cast<const char*>(&faults_ + 1);
    for (auto p = base; p < end; p += 64)
      __builtin_prefetch(p);
    break;
  }
  case 1: // the arrays it points to
    __builtin_prefetch(handlers_.data());
    __builtin_prefetch(protocols_.data());
    break;
  default: // the protocols in them
    for (auto& p : protocols_)
      __builtin_prefetch(p.get());
  }
}

// -- rounds and writes (node.cpp's run_round, end_round, node_writes.cpp) -----

void world_node::run_round() {
  if (crashed_)
    return;
  ++round_;
  ++stats_.rounds;
  if (faults_) {
    faults_->alive_at(round_);
    // Delayed messages due this round go out before the round's own.
    for (auto& [to, msg] : faults_->due(round_))
      w_.post(index_, to, msg, w_.size_of(msg));
  }
  current_ = nullptr;
  for (auto& p : protocols_)
    p->on_round(*this);
}

void world_node::end_round() {
  if (crashed_)
    return;
  current_ = nullptr;
  auto held = std::move(held_);
  held_.clear();
  for (auto& [from, x] : held)
    merge_now(*this, from, x);
}

void world_node::put(const std::string& key, const std::string& value) {
  if (auto err = validate(keyed_entry{key, entry{value, 1, name_, false, 0}}, limits());
      !err.empty())
    throw std::invalid_argument("put: " + err);
  current_ = nullptr;
  data_.put(key, value, name_, now_ms(), 0);
  if (observed_)
    emit(stored_event(key, *data_.find(key)));
  for (auto& p : protocols_)
    p->on_local_write(*this, key);
}

// -- messages -----------------------------------------------------------------

void world_node::handle(size_t from, const caf::message& msg, uint64_t bytes) {
  if (crashed_)
    return;
  sender_ = from;
  current_ = &msg;
  current_bytes_ = bytes;
  // In the order the node actor tries them: each protocol's messages, then
  // (for requests from outside) its api.
  if (!dispatch(msg, from == w_.size()))
    ++stats_.unknown;
  current_ = nullptr; // the letter is recycled after this
}

bool world_node::dispatch(const caf::message& msg, bool outside) {
  for (size_t k = 0; k < protocols_.size(); ++k) {
    if (handlers_[k].dispatch(*this, msg))
      return true;
    if (outside) {
      auto copy = msg;
      if (protocols_[k]->api(*this)(copy))
        return true;
    }
  }
  return false;
}

void world_node::link_lost(const std::string& peer) {
  if (crashed_)
    return;
  current_ = nullptr;
  for (auto& p : protocols_)
    p->link_lost(*this, peer);
}

void world_node::lost_watched(size_t j) {
  // routing::down: a watched peer stopped; its link's loss is news.
  auto i = std::find(watching_.begin(), watching_.end(), j);
  if (i == watching_.end())
    return;
  watching_.erase(i);
  w_.post_link_lost(index_, w_.name(j));
}

void world_node::transmit(size_t j, const caf::message& msg) {
  auto bytes = w_.size_of(msg);
  ++stats_.total.sent_msgs;
  stats_.total.sent_bytes += bytes;
  using verdict = faults_of<size_t, caf::message>::verdict;
  switch (faults_ ? faults_->judge(j, msg) : verdict::pass) {
  case verdict::pass:
    w_.post(index_, j, msg, bytes);
    break;
  case verdict::lost:
    ++stats_.lost;
    break;
  default:
    break; // delayed (sent when due)
  }
}

// -- port -----------------------------------------------------------------------

std::vector<std::string> world_node::sample(size_t k) {
  auto& dir = view_.dir();
  if (!uniform_ || !dir || !dir->numbered)
    return sampler_->sample(name_, peers(), k, rng_);
  // The whole numbered directory: position i is node i, named i. The same
  // draw as the uniform sampler's, without reading a name.
  pick_uniform(
      dir->names.size(), k, rng_, [this](size_t i) { return i == index_; }, picks_,
      scratch_);
  std::vector<std::string> result;
  result.reserve(picks_.size());
  for (auto i : picks_)
    result.push_back(std::to_string(i));
  return result;
}

std::string world_node::label(const std::string& name, const std::string& key) const {
  auto j = name == name_ ? index_ : w_.find(name);
  auto ls = w_.labels(j);
  if (!ls)
    return {};
  auto v = ls->find(key);
  return v == ls->end() ? std::string{} : v->second;
}

void world_node::send(const std::string& peer, const caf::message& msg, carries what) {
  auto j = w_.find(peer);
  if (j == w_.size()) {
    ++stats_.unroutable;
    return;
  }
  // An overlay's send to a stopped peer is a refused connection (routing.cpp).
  if (partial_view_ && w_.stopped(j)) {
    w_.post_link_lost(index_, peer);
    return;
  }
  transmit(j, msg);
  if (what == carries::update)
    ++stats_.update_msgs;
}

void world_node::emit(event ev) {
  ev.node = name_;
  ev.round = round_;
  ev.time_ms = now_ms();
  w_.emit(ev);
}

void world_node::count(tally what, const std::string&) {
  if (what != tally::rejected_item)
    tally_into(stats_, what, round_);
  else if (current_) // as the node actor: against the message being handled
    ++stats_.total.rejected_items;
}

bool world_node::sender_is(const std::string& name) const {
  auto j = w_.find(name);
  return j == w_.size() || j == sender_;
}

// -- membership_port --------------------------------------------------------------

const std::map<std::string, std::string>& world_node::labels() const {
  static const std::map<std::string, std::string> none;
  auto ls = w_.labels(index_);
  return ls ? *ls : none;
}

void world_node::peer_up(const std::string& name, const std::string& address, bool,
                         const std::map<std::string, std::string>&) {
  if (name == name_ || !check_name(name, limits()).empty())
    return;
  auto j = w_.find(name);
  bool routed = j < w_.size();
  if (address.empty() && !routed)
    return;
  view_.add(name);
  // An overlay's link: its loss is news (routing::watch_link).
  if (partial_view_ && routed &&
      std::find(watching_.begin(), watching_.end(), j) == watching_.end()) {
    watching_.push_back(j);
    w_.watch(index_, j);
  }
}

void world_node::peer_down(const std::string& name) {
  view_.remove(name);
  auto j = w_.find(name);
  auto i = std::find(watching_.begin(), watching_.end(), j);
  if (i == watching_.end())
    return;
  watching_.erase(i);
  w_.unwatch(index_, j);
}

// -- gate -------------------------------------------------------------------------

bool world_node::admit(const std::string& problem) {
  ++stats_.total.recv_msgs;
  stats_.total.recv_bytes += current_bytes_;
  if (problem.empty())
    return true;
  ++stats_.total.rejected;
  return false;
}

void world_node::answer(reply r) {
  if (sender_ == w_.size())
    return; // from outside: nobody to answer
  if (r.what == carries::update)
    ++stats_.update_msgs;
  transmit(sender_, r.msg);
}

} // namespace gossip::sim
