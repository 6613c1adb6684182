// HyParView: the steps of a round (join retries, keepalives, failure
// detection, repair, shuffles, mixing) and the view changes they share with
// the handlers (hyparview.cpp).
#include <algorithm>

#include "hyparview_impl.hpp"

namespace gossip {

namespace {

// A NEIGHBOR request left unanswered this long (at least two rounds, so an
// answer in flight is not mistaken for silence) counts as failed.
uint64_t answer_within(const hyparview_config& cfg) {
  return std::max<uint64_t>(cfg.timeout, 2);
}

// How long a contact waits for a joiner's address to be verified before it
// gives up walking it (the connection back is made in the background).
uint64_t verify_within(const hyparview_config& cfg) {
  return 4 * answer_within(cfg);
}

bool due(uint64_t round, uint64_t every) {
  return every != 0 && round % every == 0;
}

} // namespace

void hyparview::on_round(port& p) {
  views_.set_self(p.self());
  if (leaving_)
    return;
  for (auto i = former_.begin(); i != former_.end();)
    i = p.round() > i->second + 1 ? former_.erase(i) : std::next(i);
  join(p);
  start_walks(p);
  see_guests_out(p);
  detect_silence(p);
  expire_requests(p);
  keep_alive(p);
  repair(p);
  shuffle(p);
  mix(p);
}

void hyparview::on_leave(port& p) {
  if (leaving_)
    return;
  leaving_ = true;
  auto bye = wire(hv_disconnect{p.self()});
  for (auto& x : views_.active())
    p.send(x.name, bye, carries::control);
}

void hyparview::link_lost(port& p, const std::string& peer) {
  views_.set_self(p.self());
  if (views_.find_active(peer)) {
    drop(p, peer, true, "link lost");
  } else {
    asked_.erase(peer);
    give_up(peer);
  }
  // At once, as the paper's node tries the next candidate when a connection
  // fails: a dead candidate is not asked again, so this ends.
  if (!leaving_)
    repair(p);
}

// -- a round's steps ----------------------------------------------------------

// Alone (no active peer, nobody to repair with): ask the contact or the seeds
// to take us in, backing off as SWIM does.
void hyparview::join(port& p) {
  if (!views_.active().empty()) {
    join_backoff_ = 1;
    next_join_round_ = 0;
    return;
  }
  if ((cfg_.seeds.empty() && contact_.empty()) || p.round() < next_join_round_)
    return;
  auto msg = wire(hv_join{p.self(), m_->address()});
  size_t contacts = 0;
  for (auto& seed : cfg_.seeds)
    if (seed != m_->address()) {
      m_->send_to_address(seed, msg);
      ++contacts;
    }
  if (!contact_.empty() && contact_ != p.self()) {
    p.send(contact_, msg, carries::control);
    ++contacts;
  }
  // Each contact's answer and walks' ends accept us unasked.
  walks_due_ = contacts * views_.active_max();
  walks_until_ = p.round() + verify_within(cfg_) + answer_within(cfg_);
  next_join_round_ = p.round() + join_backoff_;
  join_backoff_ = std::min<uint64_t>(join_backoff_ * 2, 32);
}

// The FORWARDJOIN walks of joiners whose address is now verified (the rule:
// on_join, hyparview.cpp); one never verified in time, or no longer active,
// gets none. Also forgets what it remembered of former neighbours' addresses
// once they left the passive and lost views.
void hyparview::start_walks(port& p) {
  for (auto i = joiners_.begin(); i != joiners_.end();) {
    auto x = views_.find_active(i->first);
    bool ready = x && checked(*x);
    if (!ready && x && p.round() <= i->second + verify_within(cfg_)) {
      ++i;
      continue;
    }
    if (ready) {
      // As many walks as the paper's contact sends (its view but the
      // joiner), over settled neighbours: the joiner's view fills, no more.
      auto except = guest_names();
      except.push_back(x->name);
      auto walk = wire(hv_forward_join{p.self(), *x, cfg_.arwl});
      for (auto& y : views_.sample_active(views_.active_max() - 1, p.rng(), except))
        p.send(y.name, walk, carries::control);
    }
    // A walked guest leaves once its walks had time to land; one never
    // verified keeps its one link (as a guest, until a joiner takes its
    // place): sent away, it would join again, and again.
    if (auto g = guests_.find(i->first); g != guests_.end() && ready)
      g->second = p.round() + answer_within(cfg_);
    i = joiners_.erase(i);
  }
  for (auto i = checked_.begin(); i != checked_.end();) {
    auto& name = i->first;
    auto& address = i->second;
    auto same = [&](const hv_peer& x) { return x.name == name && x.address == address; };
    auto passive = views_.find_passive(name);
    bool kept = (passive && same(*passive)) ||
                std::any_of(views_.lost().begin(), views_.lost().end(), same);
    i = kept ? std::next(i) : checked_.erase(i);
  }
}

// Room for a joiner: a free slot, else a guest slot beyond the view's size
// (at most as many guests as the view holds, so the view stays within
// twice its size), else the place of a random guest, one whose walks are
// out if there is one (the others would leave without any). A JOIN never
// evicts a settled neighbour, so a storm of them (or of forged ones) cuts
// no link.
void hyparview::take_in(port& p, const hv_peer& x) {
  if (full()) {
    if (guests_.size() >= views_.active_max()) {
      std::vector<std::string> walked, names;
      for (auto& [name, until] : guests_)
        (until == UINT64_MAX ? names : walked).push_back(name);
      if (!walked.empty())
        names = std::move(walked);
      auto out = names[uniform_index(p.rng(), names.size())];
      p.send(out, wire(hv_disconnect{p.self()}), carries::control);
      drop(p, out, false, "a joiner's place taken by " + x.name);
    }
    guests_[x.name] = UINT64_MAX; // until its walks are out (start_walks)
  }
  bring_up(p, x, "joined through this node");
  if (!views_.find_active(x.name))
    guests_.erase(x.name);
}

// A guest stays until its walks had time to bring it neighbours of its own.
// Then it leaves, or stays as a settled neighbour where there is a free
// slot. It keeps us as a passive candidate, as after any DISCONNECT.
void hyparview::see_guests_out(port& p) {
  for (auto i = guests_.begin(); i != guests_.end();) {
    auto name = i->first;
    if (p.round() < i->second) {
      ++i;
      continue;
    }
    i = guests_.erase(i);
    if (settled() > views_.active_max()) {
      p.send(name, wire(hv_disconnect{p.self()}), carries::control);
      drop(p, name, false, "a joiner's stay ended");
    }
  }
}

size_t hyparview::settled() const {
  return views_.active().size() - guests_.size();
}

bool hyparview::full() const {
  return settled() >= views_.active_max();
}

std::vector<std::string> hyparview::guest_names() const {
  std::vector<std::string> names;
  for (auto& g : guests_)
    names.push_back(g.first);
  return names;
}

void hyparview::detect_silence(port& p) {
  if (cfg_.timeout == 0)
    return;
  std::vector<std::string> silent;
  for (auto& x : views_.active())
    if (p.round() > last_heard_[x.name] + cfg_.timeout)
      silent.push_back(x.name);
  for (auto& name : silent)
    drop(p, name, true, "silent for " + std::to_string(cfg_.timeout) + " rounds");
}

// An unanswered candidate is not tried again soon (give_up).
// A request whose dial is still under way has not gone out: it waits (the
// dial has its own limit), or its late acceptance would count as unasked
// (on_neighbor_reply) and be refused after the other side made room for us.
void hyparview::expire_requests(port& p) {
  for (auto i = asked_.begin(); i != asked_.end();) {
    if (p.round() < i->second.until || m_->connecting(i->first)) {
      ++i;
      continue;
    }
    give_up(i->first);
    i = asked_.erase(i);
  }
}

void hyparview::keep_alive(port& p) {
  if (!due(p.round(), cfg_.heartbeat))
    return;
  auto msg = wire(hv_heartbeat{p.self()});
  for (auto& x : views_.active())
    p.send(x.name, msg, carries::control);
}

// One NEIGHBOR request per free slot of the active view (counting the
// requests in flight): a candidate found dead (link_lost) is replaced at
// once, a refusing one at the next round. Asking dials the candidate's
// address, and a passive entry's address may be anyone's claim (a shuffle's
// entry, a walked joiner): at most one request at a time goes to an
// address this node has not checked itself, and one that never answers is
// forgotten (give_up). A forged entry costs one dial, one at a time.
// Beyond the paper, a node holding under half its view asks with high
// priority, not only an empty one: two nodes left with only each other
// (what a join storm leaves) are refused by every full view forever.
void hyparview::repair(port& p) {
  while (settled() + asked_.size() < views_.active_max()) {
    auto pick = views_.sample_passive(1, p.rng(), not_to_ask());
    if (pick.empty())
      return;
    // High priority makes the receiver evict: one such request at a time.
    bool starved = 2 * settled() < views_.active_max();
    ask(p, pick.front(), starved && !high_out());
  }
}

void hyparview::shuffle(port& p) {
  if (!due(p.round(), cfg_.shuffle_every) || views_.active().empty())
    return;
  auto target = views_.sample_active(1, p.rng()).front();
  std::vector<hv_peer> entries{me(p)};
  for (auto& x : views_.sample_active(cfg_.shuffle_active, p.rng(), {target.name}))
    entries.push_back(vouched(x));
  for (auto& x : views_.sample_passive(cfg_.shuffle_passive, p.rng()))
    entries.push_back(vouched(x));
  shuffled_.clear();
  for (size_t i = 1; i < entries.size(); ++i)
    shuffled_.push_back(entries[i].name);
  awaiting_reply_ = true;
  p.send(target.name, wire(hv_shuffle{p.self(), me(p), cfg_.shuffle_ttl, entries}),
         carries::control);
}

// Beyond the paper: a partition leaves islands whose passive views fill with
// their own members, and repair never looks across again (partisan#75). A
// rare high-priority request to a random passive or lost peer finds the
// other island once the partition heals. Rare, and only for nodes that lost
// a link in the last 10 periods: each one replaces a link at both ends, and
// so a branch of any broadcast tree over the overlay.
void hyparview::mix(port& p) {
  if (cfg_.mix_every == 0)
    return;
  // Each node at its own phase: all of them at once would churn the
  // overlay in bursts.
  if (!mix_phase_)
    mix_phase_ = p.rng()() % cfg_.mix_every;
  if ((p.round() + *mix_phase_) % cfg_.mix_every != 0 || high_out())
    return;
  // Only a node that lost a link lately can be on an island: in a stable
  // overlay, mixing would only churn it (and the broadcast trees over it).
  if (!last_loss_ || p.round() > *last_loss_ + 10 * cfg_.mix_every)
    return;
  auto busy = not_to_ask();
  std::vector<hv_peer> pool;
  for (auto* list : {&views_.passive(), &views_.lost()})
    for (auto& x : *list)
      if (std::find(busy.begin(), busy.end(), x.name) == busy.end())
        pool.push_back(x);
  if (!pool.empty())
    ask(p, pool[uniform_index(p.rng(), pool.size())], true);
}

void hyparview::ask(port& p, const hv_peer& to, bool high) {
  asked_[to.name] = request{p.round() + answer_within(cfg_), !checked(to), high};
  send_to(p, to, wire(hv_neighbor{p.self(), m_->address(), high}));
}

bool hyparview::high_out() const {
  return std::any_of(asked_.begin(), asked_.end(), [](auto& a) { return a.second.high; });
}

std::vector<std::string> hyparview::not_to_ask() const {
  std::vector<std::string> result;
  bool unchecked_out = false;
  for (auto& [name, r] : asked_) {
    result.push_back(name);
    unchecked_out = unchecked_out || r.unchecked;
  }
  if (unchecked_out)
    for (auto* list : {&views_.passive(), &views_.lost()})
      for (auto& x : *list)
        if (!checked(x))
          result.push_back(x.name);
  return result;
}

void hyparview::give_up(const std::string& name) {
  auto x = views_.find_passive(name);
  if (!x)
    return;
  if (checked(*x))
    views_.add_lost(hv_peer{*x});
  else
    views_.remove_passive(name);
}

// -- view changes and sending -------------------------------------------------

void hyparview::bring_up(port& p, const hv_peer& x, const std::string& why) {
  auto r = views_.add_active(x, p.rng(), guest_names());
  if (!r.is_new)
    return;
  if (r.evicted) {
    auto& out = *r.evicted;
    keep_checked(out);
    former_[out.name] = p.round();
    p.send(out.name, wire(hv_disconnect{p.self()}), carries::control);
    last_heard_.erase(out.name);
    m_->peer_down(out.name);
    // Out of the view, not dead: member_left (member_down is for failures).
    emit_member(p, event_kind::member_left, out, "evicted for " + x.name);
  }
  asked_.erase(x.name);
  last_heard_[x.name] = p.round();
  m_->peer_up(x.name, x.address, false, {});
  emit_member(p, event_kind::member_up, x, why);
}

void hyparview::drop(port& p, const std::string& name, bool failed,
                     const std::string& why) {
  auto x = views_.remove_active(name);
  if (!x)
    return;
  guests_.erase(name);
  keep_checked(*x);
  former_[name] = p.round();
  last_heard_.erase(name);
  m_->peer_down(name);
  if (failed) {
    views_.add_lost(*x);
    last_loss_ = p.round();
  } else
    views_.add_passive(*x, p.rng());
  emit_member(p, failed ? event_kind::member_down : event_kind::member_left, *x, why);
}

bool hyparview::linked(port& p, const std::string& name) const {
  if (views_.find_active(name))
    return true;
  auto i = former_.find(name);
  return i != former_.end() && p.round() <= i->second + 1;
}

void hyparview::heard(port& p, const std::string& name) {
  views_.set_self(p.self());
  if (views_.find_active(name))
    last_heard_[name] = p.round();
}

void hyparview::send_to(port& p, const hv_peer& to, const caf::message& msg) {
  if (to.address.empty() || views_.find_active(to.name))
    p.send(to.name, msg, carries::control);
  else
    m_->send_to_address(to.address, msg);
}

hv_peer hyparview::me(port& p) const {
  return hv_peer{p.self(), m_->address()};
}

bool hyparview::checked(const hv_peer& x) const {
  return x.address.empty() || m_->verified(x.name, x.address) ||
         checked_.count({x.name, x.address}) > 0;
}

void hyparview::keep_checked(const hv_peer& x) {
  if (!x.address.empty() && m_->verified(x.name, x.address))
    checked_.insert({x.name, x.address});
}

// A peer's address goes on only once this node checked it (membership_port::
// verified, now or while it was a neighbour): a claimed address stays with
// the node that heard the claim, as in SWIM (swim.cpp, vouched). The name
// goes on alone: in-process it is enough to reach the peer.
hv_peer hyparview::vouched(const hv_peer& x) const {
  if (checked(x))
    return x;
  return hv_peer{x.name, {}};
}

void hyparview::emit_member(port& p, event_kind kind, const hv_peer& x, std::string why) {
  if (!p.observed())
    return;
  auto status = kind == event_kind::member_up     ? member_status::alive
                : kind == event_kind::member_left ? member_status::left
                                                  : member_status::dead;
  auto alive = static_cast<uint8_t>(status);
  p.emit(member_event(kind, member_update{x.name, 0, alive, x.address, {}, p.self()},
                      std::move(why)));
}

} // namespace gossip
