#include "replicator.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>

#include "gossip/atoms.hpp"
#include "node_port.hpp"

namespace gossip {

namespace {

/// The ticks of a pending request's retries and deadline (from the node
/// itself only).
using retry_atom = caf::atom_constant<caf::atom("g_retry")>;

// A write asks more members (or asks again) when its first ones are slow,
// each pause twice the last, up to a second. Waits and agreement checks poll
// the members not there yet: from 10 ms, up to 100 ms (what a wait returns
// late at most; the answers are small).
constexpr int64_t write_retry_ms = 100;
constexpr int64_t max_write_retry_ms = 1000;
constexpr int64_t poll_ms = 10;
constexpr int64_t max_poll_ms = 100;

caf::error bad_input(const std::string& what) {
  return caf::make_error(caf::sec::invalid_argument, what);
}

std::string check_timeout(uint64_t timeout_ms, const limits& lim) {
  if (timeout_ms == 0 || timeout_ms > lim.max_wait_ms)
    return "a timeout of 1 to " + std::to_string(lim.max_wait_ms) + " ms";
  return {};
}

} // namespace

replicator::replicator(caf::event_based_actor* self, node_state& st)
    : self_(self), st_(st) {}

// -- answering other nodes ------------------------------------------------------

void replicator::handlers(handler_set& hs) {
  hs.on<replica_write>([this](port& p, const replica_write& m) -> answer {
    if (auto err = check_entry(p, m.write); !err.empty()) {
      p.count(tally::rejected_item, err);
      return {};
    }
    // Held here now: spread as this node's own, so that it survives the
    // writer (a rumor protocol spreads only what it saw arrive or write).
    if (merge(p, m.from, m.write))
      for (auto& proto : st_.protocols)
        proto->on_local_write(p, m.write.key);
    return reply_with(held{p.self(), m.seq, held_item(p.data(), m.write.key)});
  });
  hs.on<held_query>([](port& p, const held_query& m) -> answer {
    return reply_with(held{p.self(), m.seq, held_item(p.data(), m.key)});
  });
  hs.on<held>([this](port&, const held& m) { on_held(m); });
  hs.on<view_query>([this](port&, const view_query& m) -> answer {
    return reply_with(own_view(m.seq));
  });
  hs.on<view_digest>([this](port&, const view_digest& m) { on_view(m); });
}

caf::message_handler replicator::api() {
  return {
      [this](wait_atom, const std::string& key, uint64_t timeout_ms) {
        return wait(key, timeout_ms);
      },
      [this](agree_atom, uint64_t timeout_ms) { return agree(timeout_ms); },
      [this](retry_atom, uint64_t seq) {
        if (self_->current_sender().get() == self_->ctrl())
          tick(seq);
      },
  };
}

// -- starting requests ------------------------------------------------------------

std::string replicator::no_room() {
  if (writes_.size() + waits_.size() + agrees_.size() < st_.cfg.limits.max_pending)
    return {};
  ++st_.acct->stats.refused_requests;
  auto text = "too many requests waiting for members' answers (" +
              std::to_string(st_.cfg.limits.max_pending) + ")";
  st_.acct->log_once("pending", "refused a request: " + text);
  return text;
}

std::string replicator::refusal(const write_level& level) {
  if (auto err = validate(level, st_.cfg.limits); !err.empty())
    return "write level: " + err;
  return level.replicas == 1 ? std::string{} : no_room();
}

replicator::pending replicator::start(uint64_t timeout_ms, int64_t first_ms,
                                      int64_t max_ms) {
  return pending{self_->make_response_promise(),
                 st_.port->now_ms() + static_cast<int64_t>(timeout_ms), first_ms, max_ms};
}

void replicator::schedule(uint64_t seq, pending& p) {
  auto left = std::max<int64_t>(p.deadline_ms - st_.port->now_ms(), 0);
  auto delay = std::chrono::milliseconds{std::min(p.backoff_ms, left)};
  p.backoff_ms = std::min(p.backoff_ms * 2, p.max_backoff_ms);
  self_->delayed_send(self_, delay, retry_atom::value, seq);
}

caf::result<hold_report> replicator::replicate(const std::string& key,
                                               const write_level& level) {
  auto& e = *st_.data.find(key);
  auto candidates = others();
  auto live = static_cast<uint32_t>(candidates.size() + 1);
  std::shuffle(candidates.begin(), candidates.end(), st_.rng);
  write_quorum q{digest_item{key, e.version, e.origin},
                 needed_replicas(level.replicas, live), live, std::move(candidates)};
  if (q.met() || q.hopeless())
    return q.report();
  auto seq = ++seq_;
  auto msg = caf::make_message(replica_write{st_.cfg.name, seq, keyed_entry{key, e}});
  auto& w = writes_
                .emplace(seq, pending_write{start(level.timeout_ms, write_retry_ms,
                                                  max_write_retry_ms),
                                            std::move(q), std::move(msg)})
                .first->second;
  for (auto& name : w.quorum.ask_more(w.quorum.shortfall()))
    st_.port->send(name, w.msg, carries::update);
  schedule(seq, w);
  return w.rp;
}

caf::result<hold_report> replicator::wait(const std::string& key, uint64_t timeout_ms) {
  auto& lim = st_.cfg.limits;
  if (key.empty() || key.size() > lim.max_key_bytes)
    return bad_input("a key has 1 to " + std::to_string(lim.max_key_bytes) + " bytes");
  if (auto err = check_timeout(timeout_ms, lim); !err.empty())
    return bad_input("wait: " + err);
  auto target = held_item(st_.data, key);
  auto os = others();
  convergence conv{target};
  if (target.version == 0 || os.empty())
    return target.version == 0 ? hold_report{} : conv.report(os);
  if (auto err = no_room(); !err.empty())
    return caf::make_error(caf::sec::runtime_error, err);
  auto seq = ++seq_;
  auto& w =
      waits_.emplace(seq, pending_wait{start(timeout_ms, poll_ms, max_poll_ms), conv})
          .first->second;
  query(seq, w);
  schedule(seq, w);
  return w.rp;
}

caf::result<view_report> replicator::agree(uint64_t timeout_ms) {
  if (auto err = check_timeout(timeout_ms, st_.cfg.limits); !err.empty())
    return bad_input("agree: " + err);
  auto own = own_view(0);
  auto os = others();
  if (os.empty())
    return view_report{own.members, own.digest, {}, {}};
  if (auto err = no_room(); !err.empty())
    return caf::make_error(caf::sec::runtime_error, err);
  auto seq = ++seq_;
  auto& a = agrees_.emplace(seq, pending_agree{start(timeout_ms, poll_ms, max_poll_ms)})
                .first->second;
  query(seq, a);
  schedule(seq, a);
  return a.rp;
}

// -- retries and answers ----------------------------------------------------------

void replicator::tick(uint64_t seq) {
  auto now = st_.port->now_ms();
  if (auto w = writes_.find(seq); w != writes_.end()) {
    if (now >= w->second.deadline_ms)
      return finish_write(seq);
    retry(w->second);
    schedule(seq, w->second);
  } else if (auto q = waits_.find(seq); q != waits_.end()) {
    auto missing = q->second.conv.missing(others());
    if (missing.empty() || now >= q->second.deadline_ms)
      return finish_wait(seq);
    query(seq, q->second);
    schedule(seq, q->second);
  } else if (auto a = agrees_.find(seq); a != agrees_.end()) {
    auto own = own_view(seq);
    if (a->second.views.disagreeing(others(), own.digest).empty() ||
        now >= a->second.deadline_ms)
      return finish_agree(seq);
    query(seq, a->second);
    schedule(seq, a->second);
  }
}

// Members that do not answer are replaced by members not asked yet; once
// every member has been asked, the silent ones are asked again.
void replicator::retry(pending_write& w) {
  auto names = w.quorum.ask_more(w.quorum.shortfall());
  if (names.empty())
    names = w.quorum.unanswered();
  for (auto& name : names)
    st_.port->send(name, w.msg, carries::update);
}

void replicator::query(uint64_t seq, const pending_wait& w) {
  auto msg = caf::make_message(held_query{st_.cfg.name, seq, w.conv.target().key});
  for (auto& name : w.conv.missing(others()))
    st_.port->send(name, msg, carries::control);
}

void replicator::query(uint64_t seq, const pending_agree& a) {
  auto msg = caf::make_message(view_query{st_.cfg.name, seq});
  for (auto& name : a.views.disagreeing(others(), own_view(seq).digest))
    st_.port->send(name, msg, carries::control);
}

void replicator::on_held(const held& m) {
  if (auto w = writes_.find(m.seq); w != writes_.end()) {
    auto& q = w->second.quorum;
    if (m.item.key == q.target().key && q.answer(m.from, m.item) && q.met())
      finish_write(m.seq);
    else if (q.hopeless())
      finish_write(m.seq);
    return;
  }
  auto w = waits_.find(m.seq);
  if (w == waits_.end() || m.item.key != w->second.conv.target().key ||
      !st_.view->contains(m.from))
    return; // late, or not about this wait, or not from a live member
  auto& conv = w->second.conv;
  // Only a new holder can complete it; the full check is O(members).
  if (conv.answer(m.from, m.item) && conv.count() + 1 >= st_.view->names().size() &&
      conv.missing(others()).empty())
    finish_wait(m.seq);
}

void replicator::on_view(const view_digest& m) {
  auto a = agrees_.find(m.seq);
  if (a == agrees_.end() || !st_.view->contains(m.from))
    return;
  a->second.views.answer(m);
  if (m.digest == own_view(m.seq).digest &&
      a->second.views.disagreeing(others(), m.digest).empty())
    finish_agree(m.seq);
}

void replicator::finish_write(uint64_t seq) {
  auto w = writes_.find(seq);
  w->second.rp.deliver(w->second.quorum.report());
  writes_.erase(w);
}

void replicator::finish_wait(uint64_t seq) {
  auto w = waits_.find(seq);
  w->second.rp.deliver(w->second.conv.report(others()));
  waits_.erase(w);
}

void replicator::finish_agree(uint64_t seq) {
  auto a = agrees_.find(seq);
  auto own = own_view(seq);
  a->second.rp.deliver(a->second.views.report(others(), own.members, own.digest));
  agrees_.erase(a);
}

// -- the live view ------------------------------------------------------------------

std::vector<std::string> replicator::others() const {
  auto names = st_.view->names();
  names.erase(std::remove(names.begin(), names.end(), st_.cfg.name), names.end());
  return names;
}

view_digest replicator::own_view(uint64_t seq) const {
  auto names = others();
  names.push_back(st_.cfg.name);
  auto members = static_cast<uint32_t>(names.size());
  return view_digest{st_.cfg.name, seq, members, view_hash(std::move(names))};
}

} // namespace gossip
