#include "gossip/push_pull.hpp"

#include <caf/actor_system_config.hpp>

namespace gossip {

namespace {

template <class Message>
std::string check(const Message& m, const limits& lim) {
  if (auto err = check_name(m.from, lim); !err.empty())
    return err;
  return check_entries(m.entries, lim);
}

std::vector<digest_item> digest_of(const std::vector<keyed_entry>& entries) {
  std::vector<digest_item> result;
  result.reserve(entries.size());
  for (auto& x : entries)
    result.push_back(digest_item{x.key, x.e.version, x.e.origin});
  return result;
}

class push_pull : public protocol {
public:
  explicit push_pull(size_t fanout) : fanout_(fanout) {}

  const char* name() const override { return "push-pull"; }

  caf::message_handler handlers(context& ctx) override {
    return {
      [&ctx](const push_pull_request& m) {
        if (!ctx.admit(check(m, ctx.limits())))
          return;
        ctx.merge(m.from, m.entries);
        // Answer with what the requester lacks; an empty answer is still sent
        // so the requester's counters see a complete exchange.
        ctx.reply(push_pull_response{ctx.self(), ctx.data().newer_than(digest_of(m.entries))});
      },
      [&ctx](const push_pull_response& m) {
        if (!ctx.admit(check(m, ctx.limits())))
          return;
        ctx.merge(m.from, m.entries);
      },
    };
  }

  void on_round(context& ctx) override {
    // Pull half works even with an empty store: the answer fills it.
    auto msg = caf::make_message(push_pull_request{ctx.self(), ctx.data().entries()});
    for (auto& peer : ctx.sample(fanout_))
      ctx.send(peer, msg);
  }

private:
  size_t fanout_;
};

} // namespace

std::unique_ptr<protocol> make_push_pull(const params& ps) {
  auto fanout = ps.get_uint("fanout", 1);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  return std::make_unique<push_pull>(fanout);
}

void add_push_pull_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<push_pull_request>("gossip::push_pull_request");
  cfg.add_message_type<push_pull_response>("gossip::push_pull_response");
}

} // namespace gossip
