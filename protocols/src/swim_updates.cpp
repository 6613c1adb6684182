// SWIM: how an update about a member is applied. An update supersedes what we
// know by the order in membership.hpp; what then happens depends on the
// status it brings: alive (up, perhaps a refuted suspicion), suspect (a
// timer starts), dead or left (the member is taken out of every view). An
// update about ourselves is refuted if it is stale.
#include "swim_impl.hpp"

namespace gossip {

void swim::apply_all(port& p, const std::vector<member_update>& us, bool first_contact) {
  bool met = false;
  for (auto& u : us) {
    if (auto err = first_problem(validate(u, p.limits()), check_plausible(p, u));
        !err.empty()) {
      p.count(tally::rejected_item, err);
    } else {
      if (!verdict_becomes_suspicion(p, u))
        apply(p, u, first_contact);
      met = met || u.name != p.self();
    }
  }
  // Joined once a member told us of a member. A bare ping is no join: a
  // node restarted at once on its old port is probed before its first round
  // by members that still know the address, and would never ask its seeds.
  if (!joined_ && met)
    joined_round_ = p.round();
  joined_ = joined_ || met;
  fresh_ = false;
}

// What validation alone cannot see: an incarnation absurdly far ahead of what
// we know (honest ones move one step per refutation or restart, so this can
// only push a counter towards its end), or one member too many.
std::string swim::check_plausible(port& p, const member_update& u) const {
  auto known = table_.find(u.name);
  uint64_t current = u.name == p.self() ? incarnation_ : known ? known->incarnation : 0;
  if (u.incarnation > current &&
      u.incarnation - current > p.limits().max_incarnation_ahead)
    return "member update with an incarnation absurdly far ahead";
  if (u.name != p.self() && !known && table_.all().size() >= p.limits().max_members)
    return "member table full";
  return {};
}

void swim::apply(port& p, const member_update& u, bool first_contact) {
  if (u.name == p.self())
    return refute_if_needed(p, u, first_contact);
  std::optional<member_update> old;
  if (auto m = table_.find(u.name))
    old = *m;
  bool known = false;
  auto before = member_status::alive;
  if (!table_.apply(u, known, before)) {
    // Not newer. Lifeguard: each independent suspicion of the same
    // incarnation shortens the timeout; it is gossiped on so others learn it.
    auto s = suspicions_.find(u.name);
    if (u.state() == member_status::suspect && s != suspicions_.end() &&
        s->second.confirm(u.incarnation, u.reporter))
      queue_.push(u);
    return;
  }
  auto& m = *table_.find(u.name);
  queue_.push(m);
  switch (m.state()) {
  case member_status::alive:
    return now_alive(p, m, old, known, before);
  case member_status::suspect:
    return now_suspect(p, m, u.reporter);
  case member_status::dead:
  case member_status::left:
    return now_gone(p, m, known, before);
  }
}

// Someone else's verdict "dead" about a member we hold alive at that
// incarnation or an older one (typical when a healed partition merges)
// starts as a suspicion here: the accused gets its chance to refute. The
// verdict counts as proof enough for the shortest suspicion timeout. Only
// our own suspicion timer kills directly: a verdict that arrives is someone
// else's whatever reporter it names, ours included. True if `u` was handled so.
bool swim::verdict_becomes_suspicion(port& p, const member_update& u) {
  auto old = table_.find(u.name);
  if (u.state() != member_status::dead || !old || u.incarnation < old->incarnation)
    return false;
  if (old->state() == member_status::suspect && u.incarnation == old->incarnation) {
    // Already suspected for such a verdict: the local timer decides.
    auto s = suspicions_.find(u.name);
    return s != suspicions_.end() && s->second.has_verdict();
  }
  if (old->state() != member_status::alive)
    return false;
  auto suspect = u;
  suspect.status = static_cast<uint8_t>(member_status::suspect);
  apply(p, suspect);
  if (auto s = suspicions_.find(u.name); s != suspicions_.end())
    s->second.take_verdict();
  // And tell the accused at once, so it refutes before the timer runs out.
  p.send(u.name, wire(swim_gossip{p.self(), {suspect}}), carries::control);
  return true;
}

void swim::now_alive(port& p, const member_update& m,
                     const std::optional<member_update>& old, bool known,
                     member_status before) {
  suspicions_.erase(m.name);
  // A new life or a new address: the old route is stale.
  bool reconnect =
      old && (old->incarnation != m.incarnation || old->address != m.address);
  m_->peer_up(m.name, m.address, reconnect, m.meta);
  if (!known || before != member_status::alive)
    emit_member(p, event_kind::member_up, m,
                known && before == member_status::suspect ? "refuted suspicion" : "");
}

void swim::now_suspect(port& p, const member_update& m, const std::string& reporter) {
  suspicions_.insert_or_assign(m.name, suspicion{m.incarnation, p.round(), reporter});
  p.count(tally::suspicion);
  m_->peer_up(m.name, m.address, false, m.meta);
  emit_member(p, event_kind::member_suspect, m, "suspected by " + reporter);
}

void swim::now_gone(port& p, const member_update& m, bool known, member_status before) {
  suspicions_.erase(m.name);
  m_->peer_down(m.name);
  if (known && before != m.state())
    emit_member(p,
                m.state() == member_status::dead ? event_kind::member_down
                                                 : event_kind::member_left,
                m);
}

void swim::refute_if_needed(port& p, const member_update& u, bool first_contact) {
  if (leaving_)
    return;
  if (claims_our_name(p, u, first_contact))
    return;
  // Someone says we are suspect, dead or gone, or knows an incarnation of
  // ours from a previous life (we restarted): outbid it.
  bool stale = u.incarnation > incarnation_ ||
               (u.incarnation == incarnation_ && u.state() != member_status::alive) ||
               (first_contact && u.incarnation >= incarnation_);
  if (!stale)
    return;
  if (u.state() != member_status::alive)
    health_.penalize(); // Lifeguard: being suspected hints at our own lag
  else
    outbid_alive_ = true;
  incarnation_ = std::max(incarnation_, u.incarnation + 1); // bounded: check_plausible
  m_->incarnation_changed(incarnation_);
  queue_.push(self_update(p), true);
  p.count(tally::refutation);
  emit_state(p, std::string{"refuted "} + to_string(u.state()) + " by " + u.reporter +
                    ", incarnation now " + std::to_string(incarnation_));
}

// Another node alive under our name: a duplicate name. Outbidding it would
// start an endless incarnation war, so it is reported once per address and
// left alone; the cluster keeps whichever claim is newer. It shows either by
// another address, or, where its address did not travel (only verified ones
// do), by outbidding us back: a node that restarted outbids its previous life
// once, and a previous life never answers.
bool swim::claims_our_name(port& p, const member_update& u, bool first_contact) {
  if (first_contact || u.state() != member_status::alive)
    return false;
  bool elsewhere =
      !u.address.empty() && !m_->address().empty() && u.address != m_->address();
  bool outbids_us_back = outbid_alive_ && u.incarnation > incarnation_;
  if (!elsewhere && !outbids_us_back)
    return false;
  if (conflicts_.size() < 16 && conflicts_.insert(u.address).second && p.observed())
    p.emit(member_event(event_kind::name_conflict, u,
                        u.address.empty()
                            ? std::string{"another node claims this name"}
                            : "another node at " + u.address + " claims this name"));
  return true;
}

} // namespace gossip
