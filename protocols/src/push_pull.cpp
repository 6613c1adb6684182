#include "gossip/push_pull.hpp"

#include <caf/actor_system_config.hpp>

#include <map>

#include "gossip/paging.hpp"

namespace gossip {

std::string validate(const push_pull_request& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate({m.start, m.end}, m.digest, lim),
                       check_count(m.entries.size(), lim, "entries"));
}

std::string validate(const push_pull_response& m, const limits& lim) {
  return first_problem(check_batch(m.from, m.entries.size(), lim),
                       check_next(m.next, lim));
}

std::string validate(const push_pull_update& m, const limits& lim) {
  return check_batch(m.from, m.entries.size(), lim);
}

namespace {

const param_spec fanout{"fanout", "N", "1", "peers exchanged with each round", 1};
const param_spec hot{"hot", "N", "3",
                     "answered rounds an entry counts as fresh and is pushed"};
const param_spec every{"every", "N", "1", "rounds between exchanges", 1};
const param_spec eager{"eager", "N", "0",
                       "forward a new entry at once to N peers (0: off)"};
const param_spec budget{
    "budget", "BYTES", "65536",
    "bytes of one digest page, of one answer and of the pushed entries", 256};

push_pull_request request(const std::string& self, digest_page page,
                          std::vector<keyed_entry> fresh = {}) {
  return {self, std::move(page.range.start), std::move(page.range.end),
          std::move(page.items), std::move(fresh)};
}

class push_pull : public protocol {
public:
  explicit push_pull(const params& ps)
      : fanout_(ps.get_uint(fanout)), hot_rounds_(ps.get_uint(hot)),
        every_(ps.get_uint(every)), eager_(ps.get_uint(eager)),
        budget_(ps.get_uint(budget)) {}

  const char* name() const override { return "push-pull"; }

  void handlers(handler_set& hs) override {
    hs.on<push_pull_request>([this](port& p, const push_pull_request& m) {
      learn(p, m.from, m.entries);
      // An empty answer is still sent: the exchange is complete either way.
      auto page = answer_page(p.data(), {m.start, m.end}, m.digest, budget_,
                              p.limits().max_entries);
      auto what = page.entries.empty() ? carries::control : carries::update;
      return reply_with(
          push_pull_response{p.self(), std::move(page.entries), std::move(page.next)},
          what);
    });
    hs.on<push_pull_response>([this](port& p, const push_pull_response& m) {
      answered_ = true;
      // A page of a bulk sync (a truncated answer) is not news to push on.
      auto changed = learn(p, m.from, m.entries, m.next.empty());
      if (auto at = asked_.follow(m.from, m.next, changed))
        ask(p, m.from, page_from(p.data(), *at, budget_, p.limits().max_entries));
    });
    hs.on<push_pull_update>(
        [this](port& p, const push_pull_update& m) { learn(p, m.from, m.entries); });
  }

  void on_round(port& p) override {
    if (p.round() % every_ != 0)
      return;
    auto fresh = fresh_entries(p);
    auto what = fresh.empty() ? carries::control : carries::update;
    auto page = cursor_.next_page(p.data(), budget_, p.limits().max_entries);
    auto range = page.range;
    auto msg = wire(request(p.self(), std::move(page), std::move(fresh)));
    for (auto& peer : p.sample(fanout_)) {
      asked_.asked(peer, range);
      p.send(peer, msg, what);
    }
  }

  void on_local_write(port& p, const std::string& key) override {
    hot_[key] = {hot_rounds_, false};
    spread(p, {}, {keyed_entry{key, *p.data().find(key)}});
  }

private:
  // The entries changed lately, at most a budget of them. An entry cools
  // off only when an exchange it rode along in was answered: a node cut off
  // from the others (partitioned, or alone before it joins) keeps pushing
  // what it wrote meanwhile until someone has heard it.
  std::vector<keyed_entry> fresh_entries(port& p) {
    bool answered = std::exchange(answered_, false);
    std::vector<keyed_entry> fresh;
    size_t used = 0;
    for (auto i = hot_.begin(); i != hot_.end();) {
      auto& h = i->second;
      if (answered && h.sent)
        --h.left;
      auto e = p.data().find(i->first);
      if (e == nullptr || h.left == 0) {
        i = hot_.erase(i);
        continue;
      }
      used += delta_bytes(i->first, *e);
      h.sent = used <= budget_ || fresh.empty();
      if (h.sent)
        fresh.push_back(keyed_entry{i->first, *e});
      ++i;
    }
    return fresh;
  }

  // Returns how many keys changed. What changed becomes hot (pushed on),
  // unless `news` is false, up to max_hot keys.
  size_t learn(port& p, const std::string& from, const std::vector<keyed_entry>& xs,
               bool news = true) {
    std::vector<keyed_entry> fresh;
    auto changed = merge(p, from, xs);
    for (auto& key : changed) {
      if (news && (hot_.size() < max_hot || hot_.count(key) > 0))
        hot_[key] = {hot_rounds_, false};
      if (eager_ > 0 && news)
        fresh.push_back(keyed_entry{key, *p.data().find(key)});
    }
    spread(p, from, std::move(fresh));
    return changed.size();
  }

  void ask(port& p, const std::string& peer, digest_page page) {
    asked_.asked(peer, page.range);
    p.send(peer, wire(request(p.self(), std::move(page))), carries::control);
  }

  /// Hot keys at most: a burst beyond it spreads by the exchanges alone.
  static constexpr size_t max_hot = 10000;

  // Eager mode: what is new here goes on at once (each node forwards an
  // entry once, when it first stores it).
  void spread(port& p, const std::string& from, std::vector<keyed_entry> fresh) {
    if (eager_ == 0 || fresh.empty())
      return;
    forward(p, eager_, wire(push_pull_update{p.self(), std::move(fresh)}), from);
  }

  size_t fanout_;
  uint64_t hot_rounds_;
  uint64_t every_;
  size_t eager_;
  size_t budget_;
  page_cursor cursor_;
  page_requests asked_;
  struct heat {
    uint64_t left = 0; // answered exchanges it still rides along in
    bool sent = false; // rode along in the last one
  };
  std::map<std::string, heat> hot_;
  bool answered_ = false; // an exchange was answered since the last round
};

} // namespace

const protocol_info& push_pull_info() {
  static const protocol_info info =
      describe<push_pull, push_pull_request, push_pull_response, push_pull_update>(
          "push-pull", "exchange stores with fanout peers each round", "Karp et al. 2000",
          {fanout, hot, every, eager, budget});
  return info;
}

} // namespace gossip
