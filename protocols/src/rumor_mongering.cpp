#include "gossip/rumor_mongering.hpp"

#include <caf/actor_system_config.hpp>

#include <map>
#include <unordered_set>

#include "gossip/pull.hpp"

namespace gossip {

namespace {

struct rm_config {
  bool push = true;
  bool pull = false;
  bool feedback = true;
  bool coin = false; // else counter
  uint64_t k = 1;
  size_t fanout = 1;
  uint64_t connection_limit = 0; // 0: none
};

class rumor_mongering : public protocol {
public:
  explicit rumor_mongering(rm_config cfg) : cfg_(cfg) {}

  const char* name() const override { return "rumor"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](const rm_push& m) {
          if (!ctx.admit(check_update(m.from, m.entries, ctx.limits())))
            return;
          // Connection limit (Demers et al.): a node takes at most that many
          // pushes a round; the others are turned away, which is no feedback.
          if (cfg_.connection_limit > 0 && ++accepted_ > cfg_.connection_limit)
            return;
          auto known = learn(ctx, m.from, m.entries);
          if (cfg_.feedback)
            ctx.reply(rm_feedback{ctx.self(), std::move(known)});
        },
        [this, &ctx](const rm_feedback& m) {
          auto err = check_name(m.from, ctx.limits());
          if (err.empty() && m.known.size() > ctx.limits().max_entries)
            err = "feedback with too many keys";
          if (!ctx.admit(err))
            return;
          for (auto& key : m.known)
            contact(ctx, key, true);
        },
        [this, &ctx](const rm_pull& m) {
          auto err = check_name(m.from, ctx.limits());
          if (err.empty())
            err = check_digest(m.digest, ctx.limits());
          if (!ctx.admit(err))
            return;
          answer_pull(ctx, m);
        },
    };
  }

  void on_round(context& ctx) override {
    accepted_ = 0;
    if (cfg_.push && !hot_.empty()) {
      std::vector<keyed_entry> xs;
      for (auto& [key, h] : hot_)
        if (auto e = ctx.data().find(key))
          xs.push_back(keyed_entry{key, *e});
      auto msg = caf::make_message(rm_push{ctx.self(), std::move(xs)});
      for (auto& peer : ctx.sample(cfg_.fanout)) {
        ctx.send_update(peer, msg);
        if (!cfg_.feedback) // blind: every contact counts
          for (auto& key : keys())
            contact(ctx, key, false);
      }
    }
    if (cfg_.pull) {
      auto msg = caf::make_message(rm_pull{ctx.self(), ctx.data().digest()});
      for (auto& peer : ctx.sample(cfg_.fanout))
        ctx.send(peer, msg);
    }
  }

  size_t pending() const override { return hot_.size(); }

  void on_local_write(context& ctx, const std::string& key) override {
    hot_[key] = 0;
    (void)ctx;
  }

private:
  std::vector<std::string> keys() const {
    std::vector<std::string> result;
    for (auto& [key, h] : hot_)
      result.push_back(key);
    return result;
  }

  // Merges; what is new to us becomes hot. Returns the keys we already had.
  std::vector<std::string> learn(context& ctx, const std::string& from,
                                 const std::vector<keyed_entry>& xs) {
    auto changed = ctx.merge(from, xs);
    std::unordered_set<std::string> fresh(changed.begin(), changed.end());
    std::vector<std::string> known;
    for (auto& x : xs) {
      if (fresh.count(x.key) > 0)
        hot_[x.key] = 0;
      else
        known.push_back(x.key);
    }
    return known;
  }

  // One contact about a hot key: `knew` tells whether the peer had it.
  void contact(context& ctx, const std::string& key, bool knew) {
    auto i = hot_.find(key);
    if (i == hot_.end() || (cfg_.feedback && !knew))
      return;
    bool lose = cfg_.coin ? ctx.rng().uniform() * static_cast<double>(cfg_.k) < 1.0
                          : ++i->second >= cfg_.k;
    if (lose)
      hot_.erase(i);
  }

  void answer_pull(context& ctx, const rm_pull& m) {
    std::map<std::string, const digest_item*> theirs;
    for (auto& d : m.digest)
      theirs[d.key] = &d;
    std::vector<keyed_entry> xs;
    for (auto& key : keys()) {
      auto e = ctx.data().find(key);
      if (!e)
        continue;
      auto t = theirs.find(key);
      bool has = t != theirs.end() && t->second->version == e->version &&
                 t->second->origin == e->origin;
      if (has)
        contact(ctx, key, true); // feedback: they knew
      else
        xs.push_back(keyed_entry{key, *e});
    }
    if (xs.empty())
      return;
    if (!cfg_.feedback)
      for (auto& x : xs)
        contact(ctx, x.key, false);
    ctx.note_update();
    ctx.reply(rm_push{ctx.self(), std::move(xs)});
  }

  rm_config cfg_;
  std::map<std::string, uint64_t> hot_; // key -> contacts counted so far
  uint64_t accepted_ = 0;               // pushes taken this round
};

} // namespace

std::unique_ptr<protocol> make_rumor_mongering(const params& ps) {
  rm_config cfg;
  auto mode = ps.get_string("mode", "push");
  if (mode != "push" && mode != "pull" && mode != "push-pull")
    throw std::invalid_argument("invalid value '" + mode +
                                "' for --mode: push, pull or push-pull");
  cfg.push = mode != "pull";
  cfg.pull = mode != "push";
  cfg.feedback = !ps.get_bool("blind", false) && ps.get_bool("feedback", true);
  if (ps.has("coin") && ps.has("counter"))
    throw std::invalid_argument("--coin and --counter exclude each other");
  cfg.coin = ps.has("coin");
  cfg.k = cfg.coin ? ps.get_uint("coin", 1) : ps.get_uint("counter", 1);
  cfg.fanout = ps.get_uint("fanout", 1);
  cfg.connection_limit = ps.get_uint("connection-limit", 0);
  if (cfg.k == 0 || cfg.fanout == 0)
    throw std::invalid_argument("--counter, --coin and --fanout must be at least 1");
  return std::make_unique<rumor_mongering>(cfg);
}

void add_rumor_mongering_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<rm_push>("gossip::rm_push");
  cfg.add_message_type<rm_feedback>("gossip::rm_feedback");
  cfg.add_message_type<rm_pull>("gossip::rm_pull");
}

} // namespace gossip
