#include "gossip/swim.hpp"

#include <caf/actor_system_config.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace gossip {

namespace {

struct swim_config {
  std::vector<std::string> seeds;
  size_t indirect = 3;
  double suspicion_mult = 4;
  double suspicion_max = 6;
  size_t retransmit_mult = 4;
  size_t piggyback = 16;
  size_t gossip_fanout = 3;
  uint64_t probe_every = 1;
  uint64_t dead_retry = 10;
  uint64_t sync_every = 30;
};

std::string check_updates(const std::vector<member_update>& us, const limits& lim) {
  if (us.size() > lim.max_entries)
    return "more than " + std::to_string(lim.max_entries) + " member updates";
  for (auto& u : us) {
    if (auto err = check_name(u.name, lim); !err.empty())
      return "member update: " + err;
    if (u.status > static_cast<uint8_t>(member_status::left))
      return "member update with unknown status " + std::to_string(u.status);
    if (u.address.size() > lim.max_name_bytes || u.reporter.size() > lim.max_name_bytes)
      return "member update with an oversized address or reporter";
    if (u.meta.size() > 64)
      return "member update with more than 64 labels";
    for (auto& [k, v] : u.meta)
      if (k.size() > lim.max_name_bytes || v.size() > lim.max_name_bytes)
        return "member update with an oversized label";
  }
  return {};
}

std::string check(const std::string& from, const std::vector<member_update>& us,
                  const limits& lim) {
  if (auto err = check_name(from, lim); !err.empty())
    return err;
  return check_updates(us, lim);
}

class swim : public protocol {
public:
  explicit swim(swim_config cfg) : cfg_(std::move(cfg)) {}

  const char* name() const override { return "swim"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](const swim_ping& m) {
          if (!ctx.admit(check(m.from, m.updates, ctx.limits())))
            return;
          heard_from(ctx, m.from);
          apply_all(ctx, m.updates, false);
          ctx.reply(swim_ack{ctx.self(), m.seq, piggyback()});
        },
        [this, &ctx](const swim_ack& m) {
          if (!ctx.admit(check(m.from, m.updates, ctx.limits())))
            return;
          heard_from(ctx, m.from);
          apply_all(ctx, m.updates, false);
          if (probe_ && probe_->seq == m.seq && probe_->target == m.from) {
            probe_succeeded();
          } else if (auto i = relays_.find(m.seq); i != relays_.end()) {
            // We probed on someone's behalf: tell them.
            ctx.send(i->second.origin, swim_indirect_ack{ctx.self(), i->second.origin_seq,
                                                         i->second.target});
            relays_.erase(i);
          }
        },
        [this, &ctx](const swim_ping_req& m) {
          auto err = check(m.from, m.updates, ctx.limits());
          if (err.empty())
            err = check_name(m.target, ctx.limits());
          if (!ctx.admit(err))
            return;
          heard_from(ctx, m.from);
          apply_all(ctx, m.updates, false);
          auto seq = ++seq_;
          relays_[seq] = relay{m.from, m.seq, m.target, ctx.round() + 3};
          ctx.send(m.target, swim_ping{ctx.self(), seq, piggyback()});
        },
        [this, &ctx](const swim_gossip& m) {
          if (!ctx.admit(check(m.from, m.updates, ctx.limits())))
            return;
          heard_from(ctx, m.from);
          apply_all(ctx, m.updates, false);
        },
        [this, &ctx](const swim_indirect_ack& m) {
          auto err = check_name(m.from, ctx.limits());
          if (!ctx.admit(err))
            return;
          if (probe_ && probe_->seq == m.seq && probe_->target == m.target)
            probe_succeeded();
        },
        [this, &ctx](const swim_sync& m) {
          if (!ctx.admit(check(m.from, m.members, ctx.limits())))
            return;
          bool first_contact = fresh_;
          // The answer is what we knew *before* this message: a requester that
          // finds itself in it at its own incarnation learns it had a previous
          // life (it restarted) and must outbid it.
          std::vector<member_update> answer;
          if (m.reply)
            answer = full_table(ctx);
          bool newcomer = table_.find(m.from) == nullptr;
          heard_from(ctx, m.from);
          apply_all(ctx, m.members, first_contact);
          if (m.reply)
            ctx.reply(swim_sync{ctx.self(), false, std::move(answer)});
          // A join: tell a few members now rather than next round, and a
          // joiner announces itself as soon as it knows whom to tell.
          if (newcomer || first_contact)
            gossip(ctx);
        },
        [this, &ctx](members_atom) { return full_table(ctx); },
    };
  }

  void on_round(context& ctx) override {
    if (leaving_)
      return;
    bootstrap(ctx);
    join(ctx);
    expire_suspicions(ctx);
    advance_probe(ctx);
    gossip(ctx);
    retry_dead(ctx);
    periodic_sync(ctx);
    for (auto i = relays_.begin(); i != relays_.end();)
      i = i->second.expires <= ctx.round() ? relays_.erase(i) : std::next(i);
  }

  void on_leave(context& ctx) override {
    if (leaving_)
      return;
    leaving_ = true;
    ++incarnation_;
    auto msg = caf::make_message(swim_sync{ctx.self(), false, {self_update(ctx)}});
    for (auto& name : table_.names({member_status::alive, member_status::suspect}))
      ctx.send(name, msg);
    emit_state(ctx, "leaving the cluster at incarnation " + std::to_string(incarnation_));
  }

private:
  struct probe {
    std::string target;
    uint64_t incarnation; // what we probed; a newer one is a new life
    uint64_t seq;
    uint64_t deadline; // round by which an ack must have come
    bool indirect;     // the indirect phase has started
  };

  struct relay {
    std::string origin;
    uint64_t origin_seq;
    std::string target;
    uint64_t expires;
  };

  struct suspicion {
    uint64_t incarnation;
    uint64_t since_round;
    std::set<std::string> reporters;
    bool verdict = false; // another member already declared it dead
  };

  // -- helpers ---------------------------------------------------------------

  member_update self_update(context& ctx) const {
    auto status = leaving_ ? member_status::left : member_status::alive;
    return member_update{ctx.self(),    incarnation_, static_cast<uint8_t>(status),
                         ctx.address(), ctx.labels(), ctx.self()};
  }

  size_t cluster_size() const {
    return table_.names({member_status::alive, member_status::suspect}).size() + 1;
  }

  std::vector<member_update> piggyback() {
    auto n = static_cast<double>(cluster_size());
    auto limit = cfg_.retransmit_mult * static_cast<size_t>(std::ceil(std::log10(n + 1)));
    return queue_.take(cfg_.piggyback, std::max<size_t>(limit, 1));
  }

  std::vector<member_update> full_table(context& ctx) const {
    std::vector<member_update> result;
    result.reserve(table_.all().size() + 1);
    result.push_back(self_update(ctx));
    for (auto& [name, m] : table_.all())
      result.push_back(m);
    return result;
  }

  void emit_member(context& ctx, const char* kind, const member_update& m,
                   const std::string& why = {}) {
    if (ctx.observed())
      ctx.emit(event{kind,
                     {},
                     m.name,
                     {},
                     {},
                     m.incarnation,
                     {},
                     false,
                     0,
                     0,
                     why.empty() ? m.address : m.address + " " + why});
  }

  void emit_state(context& ctx, const std::string& detail) {
    if (ctx.observed())
      ctx.emit(
          event{"state_changed", {}, {}, {}, {}, incarnation_, {}, false, 0, 0, detail});
  }

  std::vector<std::string> pick(context& ctx, std::vector<std::string> xs, size_t k) {
    std::shuffle(xs.begin(), xs.end(), ctx.rng());
    xs.resize(std::min(k, xs.size()));
    return xs;
  }

  std::string pick_one(context& ctx, const std::vector<std::string>& xs) {
    if (xs.empty())
      return {};
    return xs[std::uniform_int_distribution<size_t>{0, xs.size() - 1}(ctx.rng())];
  }

  void heard_from(context& ctx, const std::string& from) {
    ctx.bind_sender(from);
    joined_ = true;
  }

  // -- applying updates ------------------------------------------------------

  void apply_all(context& ctx, const std::vector<member_update>& us, bool first_contact) {
    for (auto& u : us)
      apply(ctx, u, first_contact);
    fresh_ = false;
  }

  void apply(context& ctx, const member_update& u, bool first_contact = false) {
    if (u.name == ctx.self()) {
      refute_if_needed(ctx, u, first_contact);
      return;
    }
    std::optional<member_update> old;
    if (auto m = table_.find(u.name))
      old = *m;
    // Someone else's verdict "dead" about a member we hold alive at that
    // incarnation (typical when a healed partition merges) starts as a
    // suspicion here: the accused gets its chance to refute. The verdict
    // counts as proof enough for the shortest suspicion timeout.
    if (u.state() == member_status::dead && u.reporter != ctx.self() && old &&
        old->incarnation == u.incarnation) {
      // Already suspected for such a verdict: the local timer decides.
      auto s = suspicions_.find(u.name);
      if (old->state() == member_status::suspect && s != suspicions_.end() &&
          s->second.verdict)
        return;
    }
    if (u.state() == member_status::dead && u.reporter != ctx.self() && old &&
        old->state() == member_status::alive && old->incarnation == u.incarnation) {
      auto suspect = u;
      suspect.status = static_cast<uint8_t>(member_status::suspect);
      apply(ctx, suspect);
      if (auto s = suspicions_.find(u.name); s != suspicions_.end())
        s->second.verdict = true;
      // And tell the accused at once, so it refutes before the timer runs out.
      ctx.send(u.name, swim_gossip{ctx.self(), {suspect}});
      return;
    }
    bool known = false;
    auto before = member_status::alive;
    if (!table_.apply(u, known, before)) {
      confirm_suspicion(u);
      return;
    }
    auto& m = *table_.find(u.name);
    queue_.push(m);
    switch (m.state()) {
    case member_status::alive:
      suspicions_.erase(m.name);
      ctx.peer_up(m.name, m.address,
                  old && (old->incarnation != m.incarnation || old->address != m.address),
                  m.meta);
      if (!known || before != member_status::alive)
        emit_member(ctx, "member_up", m,
                    known && before == member_status::suspect ? "(refuted suspicion)"
                                                              : "");
      break;
    case member_status::suspect:
      suspicions_[m.name] = suspicion{m.incarnation, ctx.round(), {u.reporter}};
      ctx.peer_up(m.name, m.address, false, m.meta);
      emit_member(ctx, "member_suspect", m, "suspected by " + u.reporter);
      break;
    case member_status::dead:
      suspicions_.erase(m.name);
      ctx.peer_down(m.name);
      if (known && before != member_status::dead)
        emit_member(ctx, "member_down", m);
      break;
    case member_status::left:
      suspicions_.erase(m.name);
      ctx.peer_down(m.name);
      if (known && before != member_status::left)
        emit_member(ctx, "member_left", m);
      break;
    }
  }

  // Lifeguard: each independent suspicion of the same incarnation shortens
  // the timeout; it is gossiped on so others learn of it too.
  void confirm_suspicion(const member_update& u) {
    if (u.state() != member_status::suspect)
      return;
    auto i = suspicions_.find(u.name);
    if (i != suspicions_.end() && i->second.incarnation == u.incarnation &&
        i->second.reporters.insert(u.reporter).second)
      queue_.push(u);
  }

  void refute_if_needed(context& ctx, const member_update& u, bool first_contact) {
    if (leaving_)
      return;
    // Someone says we are suspect, dead or gone, or knows an incarnation of
    // ours from a previous life (we restarted): outbid it.
    bool stale = u.incarnation > incarnation_ ||
                 (u.incarnation == incarnation_ && u.state() != member_status::alive) ||
                 (first_contact && u.incarnation >= incarnation_);
    if (!stale)
      return;
    if (u.state() != member_status::alive)
      lhm_ =
          std::min(lhm_ + 1, max_lhm); // Lifeguard: being suspected hints at our own lag
    incarnation_ = u.incarnation + 1;
    queue_.push(self_update(ctx));
    emit_state(ctx, std::string{"refuted "} + to_string(u.state()) + " by " + u.reporter +
                        ", incarnation now " + std::to_string(incarnation_));
  }

  // -- round steps -----------------------------------------------------------

  void bootstrap(context& ctx) {
    if (bootstrapped_)
      return;
    bootstrapped_ = true;
    queue_.push(self_update(ctx));
    // Peers given up front (an in-process cluster) start out alive.
    for (auto& p : ctx.peers())
      apply(ctx, member_update{p, 0, 0, {}, {}, ctx.self()});
    if (cfg_.seeds.empty() || !ctx.peers().empty())
      joined_ = true;
  }

  void join(context& ctx) {
    if (joined_ || ctx.round() < next_join_round_)
      return;
    ++join_attempts_;
    auto msg = caf::make_message(swim_sync{ctx.self(), true, full_table(ctx)});
    for (auto& seed : cfg_.seeds)
      if (seed != ctx.address())
        ctx.send_to_address(seed, msg);
    emit_state(ctx, "joining through seeds, attempt " + std::to_string(join_attempts_) +
                        ", next in " + std::to_string(join_backoff_) + " rounds");
    next_join_round_ = ctx.round() + join_backoff_;
    join_backoff_ = std::min<uint64_t>(join_backoff_ * 2, 32);
  }

  uint64_t suspicion_rounds(size_t reporters) const {
    auto n = static_cast<double>(cluster_size());
    double min = cfg_.suspicion_mult * std::max(1.0, std::log10(n));
    double max = cfg_.suspicion_max * min;
    // Expected independent confirmations; too few members to expect them:
    // the minimum (as memberlist does).
    auto k = static_cast<double>(cfg_.indirect);
    double timeout = min;
    if (k >= 1 && n - 2 >= k) {
      auto c = reporters == SIZE_MAX
                   ? k
                   : static_cast<double>(reporters > 0 ? reporters - 1 : 0);
      auto frac = std::min(1.0, std::log(c + 1) / std::log(k + 1));
      timeout = std::max(min, max - (max - min) * frac);
    }
    return static_cast<uint64_t>(std::ceil(timeout));
  }

  void expire_suspicions(context& ctx) {
    std::vector<member_update> verdicts;
    for (auto& [name, s] : suspicions_)
      if (ctx.round() >= s.since_round + (s.verdict
                                              ? suspicion_rounds(SIZE_MAX)
                                              : suspicion_rounds(s.reporters.size())))
        verdicts.push_back(member_update{name,
                                         s.incarnation,
                                         static_cast<uint8_t>(member_status::dead),
                                         {},
                                         {},
                                         ctx.self()});
    for (auto& v : verdicts)
      apply(ctx, v);
  }

  void probe_succeeded() {
    probe_.reset();
    lhm_ = std::max(lhm_ - 1, 0);
  }

  void advance_probe(context& ctx) {
    if (probe_) {
      if (ctx.round() < probe_->deadline)
        return;
      if (!probe_->indirect) {
        auto helpers = table_.names({member_status::alive});
        helpers.erase(std::remove(helpers.begin(), helpers.end(), probe_->target),
                      helpers.end());
        auto msg = caf::make_message(
            swim_ping_req{ctx.self(), probe_->seq, probe_->target, piggyback()});
        for (auto& h : pick(ctx, helpers, cfg_.indirect))
          ctx.send(h, msg);
        probe_->indirect = true;
        probe_->deadline = ctx.round() + 1 + static_cast<uint64_t>(lhm_);
        return;
      }
      // Neither a direct nor an indirect ack: suspect it.
      lhm_ = std::min(lhm_ + 1, max_lhm);
      // Already suspected by others: our failed probe is an independent
      // confirmation (Lifeguard), which shortens everyone's timeout.
      if (auto m = table_.find(probe_->target);
          m &&
          (m->state() == member_status::alive || m->state() == member_status::suspect) &&
          m->incarnation == probe_->incarnation)
        apply(ctx, member_update{m->name,
                                 m->incarnation,
                                 static_cast<uint8_t>(member_status::suspect),
                                 {},
                                 {},
                                 ctx.self()});
      probe_.reset();
    }
    if (ctx.round() < next_probe_round_)
      return;
    auto target = next_target(ctx);
    if (target.empty())
      return;
    auto seq = ++seq_;
    ctx.send(target, swim_ping{ctx.self(), seq, piggyback()});
    auto scale = 1 + static_cast<uint64_t>(lhm_);
    probe_ =
        probe{target, table_.find(target)->incarnation, seq, ctx.round() + scale, false};
    next_probe_round_ = ctx.round() + cfg_.probe_every * scale;
  }

  // Shuffled round-robin over live members: each is probed once per pass.
  std::string next_target(context& ctx) {
    for (int pass = 0; pass < 2; ++pass) {
      while (probe_pos_ < probe_order_.size()) {
        auto& name = probe_order_[probe_pos_++];
        auto m = table_.find(name);
        if (m &&
            (m->state() == member_status::alive || m->state() == member_status::suspect))
          return name;
      }
      probe_order_ = table_.names({member_status::alive, member_status::suspect});
      std::shuffle(probe_order_.begin(), probe_order_.end(), ctx.rng());
      probe_pos_ = 0;
    }
    return {};
  }

  void gossip(context& ctx) {
    if (cfg_.gossip_fanout == 0 || queue_.size() == 0)
      return;
    auto targets = pick(ctx, table_.names({member_status::alive, member_status::suspect}),
                        cfg_.gossip_fanout);
    if (targets.empty())
      return;
    auto msg = caf::make_message(swim_gossip{ctx.self(), piggyback()});
    for (auto& t : targets)
      ctx.send(t, msg);
  }

  void send_sync(context& ctx, const member_update& to) {
    auto msg = caf::make_message(swim_sync{ctx.self(), true, full_table(ctx)});
    if (!to.address.empty())
      ctx.send_to_address(to.address, msg);
    else
      ctx.send(to.name, msg);
  }

  void retry_dead(context& ctx) {
    if (cfg_.dead_retry == 0 || ctx.round() % cfg_.dead_retry != 0)
      return;
    auto name = pick_one(ctx, table_.names({member_status::dead}));
    if (!name.empty())
      send_sync(ctx, *table_.find(name));
  }

  void periodic_sync(context& ctx) {
    if (cfg_.sync_every == 0 || ctx.round() % cfg_.sync_every != 0)
      return;
    auto name = pick_one(ctx, table_.names({member_status::alive}));
    if (!name.empty())
      ctx.send(name, swim_sync{ctx.self(), true, full_table(ctx)});
  }

  static constexpr int max_lhm = 8;

  swim_config cfg_;
  member_table table_;
  broadcast_queue queue_;
  uint64_t incarnation_ = 1;
  bool bootstrapped_ = false;
  bool joined_ = false; // heard from a member (or nobody to join)
  bool fresh_ = true;   // no message processed yet
  bool leaving_ = false;
  uint64_t next_join_round_ = 0;
  uint64_t join_backoff_ = 1;
  uint64_t join_attempts_ = 0;
  std::optional<probe> probe_;
  uint64_t next_probe_round_ = 0;
  uint64_t seq_ = 0;
  std::map<uint64_t, relay> relays_;
  std::map<std::string, suspicion> suspicions_;
  std::vector<std::string> probe_order_;
  size_t probe_pos_ = 0;
  int lhm_ = 0; // Lifeguard's local health multiplier
};

} // namespace

std::unique_ptr<protocol> make_swim(const params& ps) {
  swim_config cfg;
  cfg.seeds = ps.get_list("seeds");
  cfg.indirect = ps.get_uint("indirect", cfg.indirect);
  cfg.suspicion_mult = ps.get_double("suspicion-mult", cfg.suspicion_mult);
  cfg.suspicion_max = ps.get_double("suspicion-max", cfg.suspicion_max);
  cfg.retransmit_mult = ps.get_uint("retransmit-mult", cfg.retransmit_mult);
  cfg.piggyback = ps.get_uint("piggyback", cfg.piggyback);
  cfg.gossip_fanout = ps.get_uint("gossip-fanout", cfg.gossip_fanout);
  cfg.probe_every = ps.get_uint("probe-every", cfg.probe_every);
  cfg.dead_retry = ps.get_uint("dead-retry", cfg.dead_retry);
  cfg.sync_every = ps.get_uint("sync-every", cfg.sync_every);
  if (cfg.suspicion_mult <= 0 || cfg.suspicion_max < 1)
    throw std::invalid_argument(
        "--suspicion-mult must be positive and --suspicion-max >= 1");
  if (cfg.probe_every == 0 || cfg.retransmit_mult == 0)
    throw std::invalid_argument("--probe-every and --retransmit-mult must be at least 1");
  return std::make_unique<swim>(std::move(cfg));
}

void add_swim_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<member_update>("gossip::member_update");
  cfg.add_message_type<swim_ping>("gossip::swim_ping");
  cfg.add_message_type<swim_ack>("gossip::swim_ack");
  cfg.add_message_type<swim_ping_req>("gossip::swim_ping_req");
  cfg.add_message_type<swim_indirect_ack>("gossip::swim_indirect_ack");
  cfg.add_message_type<swim_sync>("gossip::swim_sync");
  cfg.add_message_type<swim_gossip>("gossip::swim_gossip");
}

} // namespace gossip
