#include "gossip/push_pull.hpp"

#include <caf/actor_system_config.hpp>

#include <map>

namespace gossip {

namespace {

std::string check(const std::string& from, const std::vector<keyed_entry>& entries,
                  const limits& lim) {
  if (auto err = check_name(from, lim); !err.empty())
    return err;
  return check_entries(entries, lim);
}

std::string check(const push_pull_request& m, const limits& lim) {
  if (m.digest.size() > lim.max_entries)
    return "digest with more than " + std::to_string(lim.max_entries) + " items";
  for (auto& d : m.digest)
    if (d.key.empty() || d.key.size() > lim.max_key_bytes || d.origin.size() > lim.max_name_bytes)
      return "malformed digest item";
  return check(m.from, m.entries, lim);
}

class push_pull : public protocol {
public:
  push_pull(size_t fanout, uint64_t hot) : fanout_(fanout), hot_rounds_(hot) {}

  const char* name() const override { return "push-pull"; }

  caf::message_handler handlers(context& ctx) override {
    return {
      [this, &ctx](const push_pull_request& m) {
        if (!ctx.admit(check(m, ctx.limits())))
          return;
        merge(ctx, m.from, m.entries);
        // An empty answer is still sent: the exchange is complete either way.
        ctx.reply(push_pull_response{ctx.self(), ctx.data().newer_than(m.digest)});
      },
      [this, &ctx](const push_pull_response& m) {
        if (!ctx.admit(check(m.from, m.entries, ctx.limits())))
          return;
        merge(ctx, m.from, m.entries);
      },
    };
  }

  void on_round(context& ctx) override {
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
    auto msg = caf::make_message(push_pull_request{ctx.self(), ctx.data().digest(), fresh});
    for (auto& peer : ctx.sample(fanout_))
      ctx.send(peer, msg);
  }

  void on_local_write(context& ctx, const std::string& key) override {
    hot_[key] = ctx.round();
  }

private:
  void merge(context& ctx, const std::string& from, const std::vector<keyed_entry>& xs) {
    for (auto& key : ctx.merge(from, xs))
      hot_[key] = ctx.round();
  }

  size_t fanout_;
  uint64_t hot_rounds_;
  std::map<std::string, uint64_t> hot_; // key -> round it last changed here
};

} // namespace

std::unique_ptr<protocol> make_push_pull(const params& ps) {
  auto fanout = ps.get_uint("fanout", 1);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  return std::make_unique<push_pull>(fanout, ps.get_uint("hot", 3));
}

void add_push_pull_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<push_pull_request>("gossip::push_pull_request");
  cfg.add_message_type<push_pull_response>("gossip::push_pull_response");
}

} // namespace gossip
