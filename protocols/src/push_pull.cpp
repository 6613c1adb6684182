#include "gossip/push_pull.hpp"

#include "gossip/pull.hpp"

#include <caf/actor_system_config.hpp>

#include <map>

namespace gossip {

namespace {

std::string check(const push_pull_request& m, const limits& lim) {
  if (auto err = check_digest(m.digest, lim); !err.empty())
    return err;
  return check_update(m.from, m.entries, lim);
}

class push_pull : public protocol {
public:
  push_pull(size_t fanout, uint64_t hot, uint64_t every, size_t eager)
      : fanout_(fanout), hot_rounds_(hot), every_(every), eager_(eager) {}

  const char* name() const override { return "push-pull"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](const push_pull_request& m) {
          if (!ctx.admit(check(m, ctx.limits())))
            return;
          merge(ctx, m.from, m.entries);
          // An empty answer is still sent: the exchange is complete either way.
          auto answer = ctx.data().newer_than(m.digest);
          if (!answer.empty())
            ctx.note_update();
          ctx.reply(push_pull_response{ctx.self(), std::move(answer)});
        },
        [this, &ctx](const push_pull_response& m) {
          if (!ctx.admit(check_update(m.from, m.entries, ctx.limits())))
            return;
          merge(ctx, m.from, m.entries);
        },
        [this, &ctx](const push_pull_update& m) {
          if (!ctx.admit(check_update(m.from, m.entries, ctx.limits())))
            return;
          merge(ctx, m.from, m.entries);
        },
    };
  }

  void on_round(context& ctx) override {
    if (ctx.round() % every_ != 0)
      return;
    std::vector<keyed_entry> fresh;
    for (auto i = hot_.begin(); i != hot_.end();) {
      auto e = ctx.data().find(i->first);
      if (e == nullptr || i->second + hot_rounds_ < ctx.round()) {
        i = hot_.erase(i);
        continue;
      }
      fresh.push_back(keyed_entry{i->first, *e});
      ++i;
    }
    bool carries = !fresh.empty();
    auto msg =
        caf::make_message(push_pull_request{ctx.self(), ctx.data().digest(), fresh});
    for (auto& peer : ctx.sample(fanout_)) {
      if (carries)
        ctx.note_update();
      ctx.send(peer, msg);
    }
  }

  void on_local_write(context& ctx, const std::string& key) override {
    hot_[key] = ctx.round();
    forward(ctx, {}, {keyed_entry{key, *ctx.data().find(key)}});
  }

private:
  void merge(context& ctx, const std::string& from, const std::vector<keyed_entry>& xs) {
    std::vector<keyed_entry> fresh;
    for (auto& key : ctx.merge(from, xs)) {
      hot_[key] = ctx.round();
      if (eager_ > 0)
        fresh.push_back(keyed_entry{key, *ctx.data().find(key)});
    }
    forward(ctx, from, std::move(fresh));
  }

  // Eager mode: what is new here goes on at once (each node forwards an
  // entry once, when it first stores it).
  void forward(context& ctx, const std::string& from, std::vector<keyed_entry> fresh) {
    if (eager_ == 0 || fresh.empty())
      return;
    ctx.forward(eager_, caf::make_message(push_pull_update{ctx.self(), std::move(fresh)}),
                from);
  }

  size_t fanout_;
  uint64_t hot_rounds_;
  uint64_t every_;
  size_t eager_;
  std::map<std::string, uint64_t> hot_; // key -> round it last changed here
};

} // namespace

std::unique_ptr<protocol> make_push_pull(const params& ps) {
  auto fanout = ps.get_uint("fanout", 1);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  auto every = ps.get_uint("every", 1);
  if (every == 0)
    throw std::invalid_argument("--every must be at least 1");
  return std::make_unique<push_pull>(fanout, ps.get_uint("hot", 3), every,
                                     ps.get_uint("eager", 0));
}

void add_push_pull_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<push_pull_request>("gossip::push_pull_request");
  cfg.add_message_type<push_pull_response>("gossip::push_pull_response");
  cfg.add_message_type<push_pull_update>("gossip::push_pull_update");
}

} // namespace gossip
