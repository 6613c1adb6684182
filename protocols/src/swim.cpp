// SWIM: its messages' handlers and the steps of a round. The probe under way
// lives in swim_probe.cpp, how an update about a member is applied in
// swim_updates.cpp.
#include <caf/actor_system_config.hpp>

#include <algorithm>
#include <cmath>

#include "swim_impl.hpp"

namespace gossip {

std::string validate(const swim_ping& m, const limits& lim) {
  return check_batch(m.from, m.updates.size(), lim, "member updates");
}

std::string validate(const swim_ack& m, const limits& lim) {
  return check_batch(m.from, m.updates.size(), lim, "member updates");
}

std::string validate(const swim_ping_req& m, const limits& lim) {
  return first_problem(check_batch(m.from, m.updates.size(), lim, "member updates"),
                       check_name(m.target, lim));
}

std::string validate(const swim_indirect_ack& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), check_name(m.target, lim));
}

std::string validate(const swim_gossip& m, const limits& lim) {
  return check_batch(m.from, m.updates.size(), lim, "member updates");
}

std::string validate(const swim_sync& m, const limits& lim) {
  return check_batch(m.from, m.members.size(), lim, "members");
}

namespace {

const param_spec seeds{"seeds", "HOST:PORT,...", "",
                       "nodes to join through; retried with backoff"};
const param_spec indirect{"indirect", "N", "3",
                          "members asked for an indirect probe (and the confirmations "
                          "that bring a suspicion down to its minimum)"};
const param_spec suspicion_mult{"suspicion-mult", "X", "4",
                                "min suspicion timeout = X * max(1, log10 n) rounds"};
const param_spec suspicion_max{"suspicion-max", "X", "6",
                               "max suspicion timeout, times the min"};
const param_spec retransmit_mult{"retransmit-mult", "N", "4",
                                 "sends per update = N * ceil(log10(n + 1))", 1};
const param_spec piggyback_max{"piggyback", "N", "16",
                               "most updates one message carries"};
const param_spec gossip_fanout{"gossip-fanout", "N", "3",
                               "members sent pending updates each round, besides the "
                               "probes they ride on (0: only piggybacked)"};
const param_spec probe_every{"probe-every", "N", "1",
                             "rounds between probes, scaled by local health", 1};
const param_spec dead_retry{"dead-retry", "N", "10",
                            "rounds between attempts to reach a dead member (0: never)"};
const param_spec sync_every{
    "sync-every", "N", "30",
    "rounds between full-table exchanges with a member (0: never)"};

swim_config read(const params& ps) {
  swim_config cfg;
  cfg.seeds = ps.get_list(seeds.name);
  cfg.indirect = ps.get_uint(indirect);
  cfg.suspicion = {ps.get_double(suspicion_mult), ps.get_double(suspicion_max),
                   cfg.indirect};
  cfg.retransmit_mult = ps.get_uint(retransmit_mult);
  cfg.piggyback = ps.get_uint(piggyback_max);
  cfg.gossip_fanout = ps.get_uint(gossip_fanout);
  cfg.probe_every = ps.get_uint(probe_every);
  cfg.dead_retry = ps.get_uint(dead_retry);
  cfg.sync_every = ps.get_uint(sync_every);
  if (cfg.suspicion.mult <= 0 || cfg.suspicion.max_factor < 1)
    throw std::invalid_argument(
        "--suspicion-mult must be positive and --suspicion-max >= 1");
  return cfg;
}

} // namespace

const protocol_info& swim_info() {
  static const protocol_info info =
      describe<swim, member_update, swim_ping, swim_ack, swim_ping_req, swim_indirect_ack,
               swim_sync, swim_gossip>(
          "swim", "SWIM membership and failure detection (Lifeguard)",
          "Das et al. 2002; Dadgar et al. 2017",
          {seeds, indirect, suspicion_mult, suspicion_max, retransmit_mult, piggyback_max,
           gossip_fanout, probe_every, dead_retry, sync_every});
  return info;
}

swim::swim(const params& ps) : cfg_(read(ps)) {}

// -- messages -----------------------------------------------------------------

void swim::handlers(handler_set& hs) {
  hs.on<swim_ping>([this](port& p, const swim_ping& m) {
    apply_all(p, m.updates, false);
    return reply_with(swim_ack{p.self(), m.seq, piggyback(p)});
  });
  hs.on<swim_ack>([this](port& p, const swim_ack& m) { on_ack(p, m); });
  hs.on<swim_ping_req>([this](port& p, const swim_ping_req& m) { on_ping_req(p, m); });
  hs.on<swim_gossip>(
      [this](port& p, const swim_gossip& m) { apply_all(p, m.updates, false); });
  hs.on<swim_indirect_ack>([this](port&, const swim_indirect_ack& m) {
    if (probes_.acked(m.seq, m.target))
      health_.reward();
  });
  hs.on<swim_sync>([this](port& p, const swim_sync& m) { return on_sync(p, m); });
}

caf::message_handler swim::api(port& p) {
  return {[this, &p](members_atom) { return full_table(p); }};
}

void swim::on_ack(port& p, const swim_ack& m) {
  apply_all(p, m.updates, false);
  if (probes_.acked(m.seq, m.from)) {
    health_.reward();
  } else if (auto r = probes_.take_relay(m.seq)) {
    // We probed on someone's behalf: tell them.
    p.send(r->origin, wire(swim_indirect_ack{p.self(), r->origin_seq, r->target}),
           carries::control);
  }
}

void swim::on_ping_req(port& p, const swim_ping_req& m) {
  apply_all(p, m.updates, false);
  auto seq = probes_.add_relay(relay{m.from, m.seq, m.target, p.round() + 3});
  p.send(m.target, wire(swim_ping{p.self(), seq, piggyback(p)}), carries::control);
}

answer swim::on_sync(port& p, const swim_sync& m) {
  bool first_contact = fresh_;
  // The answer is what we knew *before* this message: a requester that finds
  // itself in it at its own incarnation learns it had a previous life (it
  // restarted) and must outbid it.
  std::vector<member_update> table;
  if (m.reply)
    table = shared_table(p);
  bool newcomer = table_.find(m.from) == nullptr;
  apply_all(p, m.members, first_contact);
  // A join: tell a few members now rather than next round, and a joiner
  // announces itself as soon as it knows whom to tell.
  if (newcomer || first_contact)
    gossip(p);
  if (!m.reply)
    return {};
  return reply_with(swim_sync{p.self(), false, std::move(table)});
}

// -- a round ------------------------------------------------------------------

void swim::on_round(port& p) {
  if (leaving_)
    return;
  bootstrap(p);
  join(p);
  expire_suspicions(p);
  pass_on_verified();
  advance_probe(p);
  gossip(p);
  retry_dead(p);
  periodic_sync(p);
  probes_.expire_relays(p.round());
}

void swim::on_leave(port& p) {
  if (leaving_)
    return;
  leaving_ = true;
  ++incarnation_;
  m_->incarnation_changed(incarnation_);
  auto msg = wire(swim_sync{p.self(), false, {self_update(p)}});
  for (auto& name : reachable(p, {member_status::alive, member_status::suspect}))
    p.send(name, msg, carries::control);
  emit_state(p, "leaving the cluster at incarnation " + std::to_string(incarnation_));
}

void swim::bootstrap(port& p) {
  if (bootstrapped_)
    return;
  bootstrapped_ = true;
  queue_.push(self_update(p), true);
  // Peers given up front (an in-process cluster) start out alive.
  for (auto& peer : p.peers())
    if (peer != p.self())
      apply(p, member_update{peer, 0, 0, {}, {}, p.self()});
  if (cfg_.seeds.empty() || !p.peers().empty())
    joined_ = true;
  else if (std::any_of(cfg_.seeds.begin(), cfg_.seeds.end(),
                       [&](const std::string& s) { return s != m_->address(); }))
    health_ = local_health{local_health::joining_score}; // not a seed of a shared list
}

void swim::join(port& p) {
  if (joined_ || p.round() < next_join_round_)
    return;
  ++join_attempts_;
  auto msg = wire(swim_sync{p.self(), true, shared_table(p)});
  for (auto& seed : cfg_.seeds)
    if (seed != m_->address())
      m_->send_to_address(seed, msg);
  emit_state(p, "joining through seeds, attempt " + std::to_string(join_attempts_) +
                    ", next in " + std::to_string(join_backoff_) + " rounds");
  next_join_round_ = p.round() + join_backoff_;
  join_backoff_ = std::min<uint64_t>(join_backoff_ * 2, 32);
}

// An address we just verified is news to those who got the member from us
// without it: its update goes out again.
// Only when the table or what is verified changed since the last look: the
// scan costs a map lookup per member every round, and at 128 members it was
// a tenth of an idle node's CPU.
void swim::pass_on_verified() {
  auto epoch = m_->verification_epoch();
  if (epoch == scanned_epoch_ && table_.version() == scanned_version_)
    return;
  scanned_epoch_ = epoch;
  scanned_version_ = table_.version();
  for (auto& [name, m] : table_.all()) {
    if (m.address.empty() || m.state() == member_status::dead ||
        m.state() == member_status::left)
      continue;
    auto& passed = passed_on_[name];
    if (passed != m.address && m_->verified(name, m.address)) {
      passed = m.address;
      queue_.push(m);
    }
  }
}

void swim::expire_suspicions(port& p) {
  std::vector<member_update> verdicts;
  for (auto& [name, s] : suspicions_)
    if (s.expired(p.round(), cfg_.suspicion, cluster_size()))
      verdicts.push_back(member_update{name,
                                       s.incarnation(),
                                       static_cast<uint8_t>(member_status::dead),
                                       {},
                                       {},
                                       p.self()});
  for (auto& v : verdicts)
    apply(p, v);
}

void swim::gossip(port& p) {
  if (cfg_.gossip_fanout == 0 || queue_.size() == 0)
    return;
  auto targets = reachable(p, {member_status::alive, member_status::suspect});
  std::shuffle(targets.begin(), targets.end(), p.rng());
  targets.resize(std::min(cfg_.gossip_fanout, targets.size()));
  if (targets.empty())
    return;
  auto msg = wire(swim_gossip{p.self(), piggyback(p)});
  for (auto& t : targets)
    p.send(t, msg, carries::control);
}

void swim::send_sync(port& p, const member_update& to) {
  auto msg = wire(swim_sync{p.self(), true, shared_table(p)});
  if (!to.address.empty())
    m_->send_to_address(to.address, msg);
  else
    p.send(to.name, msg, carries::control);
}

void swim::retry_dead(port& p) {
  if (cfg_.dead_retry == 0 || p.round() % cfg_.dead_retry != 0)
    return;
  auto dead = table_.names({member_status::dead});
  if (!dead.empty())
    send_sync(p, *table_.find(dead[uniform_index(p.rng(), dead.size())]));
}

void swim::periodic_sync(port& p) {
  if (cfg_.sync_every == 0 || (p.round() % cfg_.sync_every != 0 && !catching_up(p)))
    return;
  auto alive = reachable(p, {member_status::alive});
  if (!alive.empty())
    p.send(alive[uniform_index(p.rng(), alive.size())],
           wire(swim_sync{p.self(), true, shared_table(p)}), carries::control);
}

// A joiner got the table as its seed knew it then; in a join storm most
// members join after that, and their updates queue up behind each other for
// the piggyback slots (128 joins at 12 sends each fill 24 rounds' worth).
// So it exchanges full tables with a random member in each of the 4 rounds
// after joining, then 8 and 16 rounds after: pairwise exchanges that spread
// everything both knew (at 128 processes, exchanges 2, 4, 8 and 16 rounds
// after joining gave 6.3-7.2 s; these, 5.2-6.7 s).
bool swim::catching_up(port& p) const {
  if (!joined_round_)
    return false;
  auto since = p.round() - *joined_round_;
  return (since >= 1 && since <= 4) || since == 8 || since == 16;
}

// -- helpers ------------------------------------------------------------------

member_update swim::self_update(port& p) const {
  auto status = leaving_ ? member_status::left : member_status::alive;
  return member_update{p.self(),      incarnation_, static_cast<uint8_t>(status),
                       m_->address(), m_->labels(), p.self()};
}

// Members in `states` that we can reach: in the node's peer view (with an
// address or a route). One known by name only (made up, or heard of before
// its address was verified) is neither probed, asked to probe, nor sent
// gossip: each try would be lost, and a flood of such names took every probe
// and every send of a refutation (after 100,000 made-up members, a refutation
// spent its 20 sends on them and a peer marked the refuting node down).
// The result is sorted, as the table is. The view is looked up sorted too,
// not copied into a set: this runs for every probe and every gossip round.
std::vector<std::string>
swim::reachable(port& p, std::initializer_list<member_status> states) const {
  auto& view = p.peers();
  std::vector<std::string_view> in_view(view.begin(), view.end());
  std::sort(in_view.begin(), in_view.end());
  auto result = table_.names(states);
  result.erase(std::remove_if(result.begin(), result.end(),
                              [&](const std::string& n) {
                                return !std::binary_search(in_view.begin(), in_view.end(),
                                                           std::string_view{n});
                              }),
               result.end());
  return result;
}

size_t swim::cluster_size() const {
  return table_.count(member_status::alive) + table_.count(member_status::suspect) + 1;
}

std::vector<member_update> swim::piggyback(port& p) {
  auto n = static_cast<double>(cluster_size());
  auto limit = cfg_.retransmit_mult * static_cast<size_t>(std::ceil(std::log10(n + 1)));
  return vouched(p, queue_.take(cfg_.piggyback, std::max<size_t>(limit, 1)));
}

std::vector<member_update> swim::shared_table(port& p) const {
  return vouched(p, full_table(p));
}

// What we pass on carries only addresses we verified (membership_port::
// verified): a claimed address stays with the node that heard the claim, and
// travels on once that node has heard from the member there. Receivers keep
// the address they know and take one that arrives later (member_table).
std::vector<member_update> swim::vouched(port& p, std::vector<member_update> us) const {
  for (auto& u : us)
    if (!u.address.empty() && u.name != p.self() && !m_->verified(u.name, u.address))
      u.address.clear();
  return us;
}

std::vector<member_update> swim::full_table(port& p) const {
  std::vector<member_update> result;
  result.reserve(table_.all().size() + 1);
  result.push_back(self_update(p));
  for (auto& [name, m] : table_.all())
    result.push_back(m);
  return result;
}

void swim::emit_member(port& p, event_kind kind, const member_update& m,
                       std::string why) {
  if (p.observed())
    p.emit(member_event(kind, m, std::move(why)));
}

void swim::emit_state(port& p, std::string detail) {
  if (p.observed())
    p.emit(state_event(incarnation_, std::move(detail)));
}

} // namespace gossip
