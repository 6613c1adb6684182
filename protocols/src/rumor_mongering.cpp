#include "gossip/rumor_mongering.hpp"

#include <caf/actor_system_config.hpp>

#include <map>
#include <unordered_set>

#include "gossip/paging.hpp"

namespace gossip {

std::string validate(const rm_push& m, const limits& lim) {
  return check_batch(m.from, m.entries.size(), lim);
}

std::string validate(const rm_feedback& m, const limits& lim) {
  if (auto err = check_batch(m.from, m.known.size(), lim, "keys"); !err.empty())
    return err;
  for (auto& key : m.known)
    if (key.size() > lim.max_key_bytes)
      return "feedback key longer than " + std::to_string(lim.max_key_bytes) + " bytes";
  return {};
}

std::string validate(const rm_pull& m, const limits& lim) {
  return first_problem(check_name(m.from, lim),
                       validate({m.start, m.end}, m.digest, lim));
}

namespace {

const param_spec mode{"mode", "MODE", "push", "push, pull or push-pull"};
const param_spec feedback{"feedback", "", "true",
                          "lose interest on contacts that knew it (default)"};
const param_spec blind{"blind", "", "false", "lose interest whatever the contact knew"};
const param_spec counter{"counter", "K", "1", "lose interest after K contacts", 1};
const param_spec coin{"coin", "K", "", "lose interest with probability 1/K per contact",
                      1};
const param_spec fanout{"fanout", "N", "1", "peers pushed to (or pulled from) each round",
                        1};
const param_spec budget{"budget", "BYTES", "65536", "bytes of one pulled digest page",
                        256};
const param_spec connection_limit{"connection-limit", "N", "0",
                                  "pushes a node takes per round (0: no limit)"};

struct rm_config {
  bool push = true;
  bool pull = false;
  bool feedback = true;
  bool coin = false; // else counter
  uint64_t k = 1;
  size_t fanout = 1;
  uint64_t connection_limit = 0; // 0: none
  size_t budget = 65536;
};

rm_config read(const params& ps) {
  rm_config cfg;
  auto m = ps.get_string(mode);
  if (m != "push" && m != "pull" && m != "push-pull")
    throw std::invalid_argument("invalid value '" + m +
                                "' for --mode: push, pull or push-pull");
  cfg.push = m != "pull";
  cfg.pull = m != "push";
  cfg.feedback = !ps.get_bool(blind) && ps.get_bool(feedback);
  if (ps.has("coin") && ps.has("counter"))
    throw std::invalid_argument("--coin and --counter exclude each other");
  cfg.coin = ps.has("coin");
  cfg.k = cfg.coin ? ps.get_uint(coin) : ps.get_uint(counter);
  cfg.fanout = ps.get_uint(fanout);
  cfg.connection_limit = ps.get_uint(connection_limit);
  cfg.budget = ps.get_uint(budget);
  return cfg;
}

class rumor_mongering : public protocol {
public:
  explicit rumor_mongering(const params& ps) : cfg_(read(ps)) {}

  const char* name() const override { return "rumor"; }

  void handlers(handler_set& hs) override {
    hs.on<rm_push>([this](port& p, const rm_push& m) -> answer {
      // Connection limit (Demers et al.): a node takes at most that many
      // pushes a round; the others are turned away, which is no feedback.
      if (cfg_.connection_limit > 0 && ++accepted_ > cfg_.connection_limit)
        return {};
      auto known = learn(p, m.from, m.entries);
      if (!cfg_.feedback)
        return {};
      return reply_with(rm_feedback{p.self(), std::move(known)});
    });
    hs.on<rm_feedback>([this](port& p, const rm_feedback& m) {
      for (auto& key : m.known)
        contact(p, key, true);
    });
    hs.on<rm_pull>([this](port& p, const rm_pull& m) { return answer_pull(p, m); });
  }

  void on_round(port& p) override {
    accepted_ = 0;
    if (cfg_.push && !hot_.empty()) {
      std::vector<keyed_entry> xs;
      for (auto& [key, h] : hot_)
        if (auto e = p.data().find(key))
          xs.push_back(keyed_entry{key, *e});
      auto msg = wire(rm_push{p.self(), std::move(xs)});
      for (auto& peer : p.sample(cfg_.fanout)) {
        p.send(peer, msg, carries::update);
        if (!cfg_.feedback) // blind: every contact counts
          for (auto& key : keys())
            contact(p, key, false);
      }
    }
    if (cfg_.pull) {
      auto page = cursor_.next_page(p.data(), cfg_.budget, p.limits().max_entries);
      auto msg = wire(rm_pull{p.self(), std::move(page.range.start),
                              std::move(page.range.end), std::move(page.items)});
      for (auto& peer : p.sample(cfg_.fanout))
        p.send(peer, msg, carries::control);
    }
  }

  size_t pending() const override { return hot_.size(); }

  void on_local_write(port&, const std::string& key) override { hot_[key] = 0; }

private:
  std::vector<std::string> keys() const {
    std::vector<std::string> result;
    for (auto& [key, h] : hot_)
      result.push_back(key);
    return result;
  }

  // Merges; what is new to us becomes hot. Returns the keys we already had
  // (not those of entries merge rejects: we had nothing of theirs).
  std::vector<std::string> learn(port& p, const std::string& from,
                                 const std::vector<keyed_entry>& xs) {
    std::vector<bool> valid;
    valid.reserve(xs.size());
    for (auto& x : xs)
      valid.push_back(check_entry(p, x).empty());
    auto changed = merge(p, from, xs);
    std::unordered_set<std::string> fresh(changed.begin(), changed.end());
    std::vector<std::string> known;
    for (size_t i = 0; i < xs.size(); ++i) {
      if (fresh.count(xs[i].key) > 0)
        hot_[xs[i].key] = 0;
      else if (valid[i])
        known.push_back(xs[i].key);
    }
    return known;
  }

  // One contact about a hot key: `knew` tells whether the peer had it.
  void contact(port& p, const std::string& key, bool knew) {
    auto i = hot_.find(key);
    if (i == hot_.end() || (cfg_.feedback && !knew))
      return;
    bool lose = cfg_.coin ? p.rng().uniform() * static_cast<double>(cfg_.k) < 1.0
                          : ++i->second >= cfg_.k;
    if (lose)
      hot_.erase(i);
  }

  answer answer_pull(port& p, const rm_pull& m) {
    std::map<std::string, const digest_item*> theirs;
    for (auto& d : m.digest)
      theirs[d.key] = &d;
    std::vector<keyed_entry> xs;
    page_range range{m.start, m.end};
    for (auto& key : keys()) {
      auto e = p.data().find(key);
      if (!e || key < range.start || (!range.end.empty() && key >= range.end))
        continue;
      auto t = theirs.find(key);
      bool has = t != theirs.end() && t->second->version == e->version &&
                 t->second->origin == e->origin;
      if (has)
        contact(p, key, true); // feedback: they knew
      else
        xs.push_back(keyed_entry{key, *e});
    }
    if (xs.empty())
      return {};
    if (!cfg_.feedback)
      for (auto& x : xs)
        contact(p, x.key, false);
    return reply_with(rm_push{p.self(), std::move(xs)}, carries::update);
  }

  rm_config cfg_;
  std::map<std::string, uint64_t> hot_; // key -> contacts counted so far
  uint64_t accepted_ = 0;               // pushes taken this round
  page_cursor cursor_;                  // where the pulled digest pages are
};

} // namespace

const protocol_info& rumor_info() {
  static const protocol_info info =
      describe<rumor_mongering, rm_push, rm_feedback, rm_pull>(
          "rumor", "rumor mongering: spread hot updates until losing interest",
          "Demers et al. 1987",
          {mode, feedback, blind, counter, coin, fanout, connection_limit, budget});
  return info;
}

} // namespace gossip
