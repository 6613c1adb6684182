// SWIM's failure detector, one probe at a time: a direct ping, then pings
// through k others, then a suspicion (Lifeguard: scaled by local health).
#include <algorithm>

#include "swim_impl.hpp"

namespace gossip {

namespace {

// Rounds a ping may wait for the connection to its target (6 s at the lan
// preset's 500 ms rounds). A join storm's dials take a second or two; one
// into a black hole runs to the guard's dial limit (11 s), and while it does
// this node probes nobody else, so the cap, not the dial, ends that wait.
constexpr uint64_t connect_grace = 12;

} // namespace

void swim::advance_probe(port& p) {
  if (auto& probe = probes_.current()) {
    if ((probe->dialing && !ping_left(p, *probe)) || p.round() < probe->deadline)
      return;
    if (!probe->indirect)
      return start_indirect_probe(p);
    probe_failed(p); // neither a direct nor an indirect ack
  }
  if (p.round() < next_probe_round_)
    return;
  auto live = reachable(p, {member_status::alive, member_status::suspect}); // sorted
  auto target = probes_.next_target(
      [&](const std::string& name) {
        return std::binary_search(live.begin(), live.end(), name);
      },
      [&] { return live; }, p.rng());
  if (target.empty())
    return;
  auto seq = probes_.next_seq();
  p.send(target, wire(swim_ping{p.self(), seq, piggyback(p)}), carries::control);
  auto scale = health_.multiplier();
  probes_.start(probe{target, table_.find(target)->incarnation, seq, p.round() + scale,
                      false, m_->connecting(target), p.round() + connect_grace});
  next_probe_round_ = p.round() + cfg_.probe_every * scale;
}

// A ping held for its connection leaves when the connection is up: a member
// is not suspected for our own slow dial (a guard dial and CAF's handshake on
// a machine busy with a join storm can outlast a round). The deadline counts
// from then. A dial that fails ends the wait as well (a normal failed probe
// follows); one that hangs, the cap. False while the ping still waits.
bool swim::ping_left(port& p, probe& pr) {
  if (m_->connecting(pr.target) && p.round() < pr.connect_until)
    return false;
  pr.dialing = false;
  pr.deadline = std::max(pr.deadline, p.round() + health_.multiplier());
  return true;
}

void swim::start_indirect_probe(port& p) {
  auto& probe = *probes_.current();
  auto helpers = reachable(p, {member_status::alive});
  helpers.erase(std::remove(helpers.begin(), helpers.end(), probe.target), helpers.end());
  std::shuffle(helpers.begin(), helpers.end(), p.rng());
  helpers.resize(std::min(cfg_.indirect, helpers.size()));
  auto msg = wire(swim_ping_req{p.self(), probe.seq, probe.target, piggyback(p)});
  for (auto& h : helpers)
    p.send(h, msg, carries::control);
  probe.indirect = true;
  probe.deadline = p.round() + health_.multiplier();
}

void swim::probe_failed(port& p) {
  auto probe = *probes_.current();
  probes_.give_up();
  health_.penalize();
  // Already suspected by others: our failed probe is an independent
  // confirmation (Lifeguard), which shortens everyone's timeout.
  auto m = table_.find(probe.target);
  if (m && (m->state() == member_status::alive || m->state() == member_status::suspect) &&
      m->incarnation == probe.incarnation)
    apply(p, member_update{m->name,
                           m->incarnation,
                           static_cast<uint8_t>(member_status::suspect),
                           {},
                           {},
                           p.self()});
}

} // namespace gossip
