#include "gossip/directed.hpp"

#include <caf/actor_system_config.hpp>

#include <map>
#include <set>

namespace gossip {

bool subscribed(const std::string& topics, const std::string& topic) {
  // ',' or '+' separate topics ('+' fits inside gossip-node's --meta list).
  size_t start = 0;
  while (start <= topics.size()) {
    auto end = std::min(topics.find_first_of(",+", start), topics.size());
    if (end - start == topic.size() && topics.compare(start, end - start, topic) == 0)
      return true;
    start = end + 1;
  }
  return false;
}

namespace {

class directed : public protocol {
public:
  directed(size_t fanout, double random, uint64_t remember, bool defer)
      : fanout_(fanout), random_(random), remember_(remember), defer_(defer) {}

  const char* name() const override { return "directed"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](broadcast_atom, const std::string& topic,
                     const std::string& text) -> caf::result<uint64_t> {
          if (text.size() > ctx.limits().max_value_bytes || topic.size() > 256)
            return caf::make_error(caf::sec::invalid_argument, "rumor or topic too long");
          rumor r{ctx.self(), ++last_id_, text, 0, topic};
          seen_.emplace(std::make_pair(r.origin, r.id), ctx.round());
          receive(ctx, ctx.self(), r);
          return r.id;
        },
        [this, &ctx](const directed_msg& m) {
          auto err = check_name(m.from, ctx.limits());
          if (err.empty())
            err = check_rumor(m.rumor, ctx.limits());
          if (!ctx.admit(err))
            return;
          if (seen_.emplace(std::make_pair(m.rumor.origin, m.rumor.id), ctx.round())
                  .second)
            receive(ctx, m.from, m.rumor);
        },
    };
  }

  size_t pending() const override { return deferred_.size(); }

  void on_round(context& ctx) override {
    auto due = std::move(deferred_);
    deferred_.clear();
    for (auto& [from, r] : due)
      forward(ctx, from, r);
    for (auto i = seen_.begin(); i != seen_.end();)
      i = i->second + remember_ < ctx.round() ? seen_.erase(i) : std::next(i);
  }

private:
  void receive(context& ctx, const std::string& from, const rumor& r) {
    if (from != ctx.self() && subscribed(ctx.label(ctx.self(), "topics"), r.topic))
      ctx.on_rumor(from, r);
    if (defer_)
      deferred_.emplace_back(from, r);
    else
      forward(ctx, from, r);
  }

  void forward(context& ctx, const std::string& from, const rumor& r) {
    auto next = r;
    ++next.hops;
    auto msg = caf::make_message(directed_msg{ctx.self(), std::move(next)});
    auto& subs = subscribers(ctx, r.topic);
    std::set<std::string> picked;
    for (size_t tries = 0; picked.size() < fanout_ && tries < 4 * fanout_; ++tries) {
      std::string peer;
      if (subs.empty() || ctx.rng().uniform() < random_) {
        auto any = ctx.sample(1);
        if (!any.empty())
          peer = any[0];
      } else {
        peer = subs[std::uniform_int_distribution<size_t>{0, subs.size() - 1}(ctx.rng())];
      }
      if (!peer.empty() && peer != from && peer != ctx.self())
        picked.insert(peer);
    }
    for (auto& peer : picked)
      ctx.send_update(peer, msg);
  }

  // The peers subscribed to `topic`, recomputed when the view changes size.
  const std::vector<std::string>& subscribers(context& ctx, const std::string& topic) {
    auto& entry = cache_[topic];
    if (entry.first != ctx.peers().size()) {
      entry.first = ctx.peers().size();
      entry.second.clear();
      for (auto& p : ctx.peers())
        if (p != ctx.self() && subscribed(ctx.label(p, "topics"), topic))
          entry.second.push_back(p);
    }
    return entry.second;
  }

  size_t fanout_;
  double random_;
  uint64_t remember_;
  bool defer_;
  std::vector<std::pair<std::string, rumor>> deferred_;
  uint64_t last_id_ = 0;
  std::map<std::pair<std::string, uint64_t>, uint64_t> seen_;
  std::map<std::string, std::pair<size_t, std::vector<std::string>>> cache_;
};

} // namespace

std::unique_ptr<protocol> make_directed(const params& ps) {
  auto fanout = ps.get_uint("fanout", 3);
  auto random = ps.get_double("random", 0.1);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  if (random < 0 || random > 1)
    throw std::invalid_argument("--random must be between 0 and 1");
  return std::make_unique<directed>(fanout, random, ps.get_uint("remember", 100),
                                    ps.get_bool("defer", false));
}

void add_directed_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<directed_msg>("gossip::directed_msg");
}

} // namespace gossip
