#include "gossip/push.hpp"

#include <caf/actor_system_config.hpp>

namespace gossip {

namespace {

class push : public protocol {
public:
  explicit push(size_t fanout) : fanout_(fanout) {}

  const char* name() const override { return "push"; }

  caf::message_handler handlers(context& ctx) override {
    return {[&ctx](const push_msg& m) {
      if (!ctx.admit(check_update(m.from, m.entries, ctx.limits())))
        return;
      ctx.merge(m.from, m.entries);
    }};
  }

  void on_round(context& ctx) override {
    if (ctx.data().size() == 0)
      return;
    // One message, shared by all receivers.
    auto msg = caf::make_message(push_msg{ctx.self(), ctx.data().entries()});
    for (auto& peer : ctx.sample(fanout_))
      ctx.send_update(peer, msg);
  }

private:
  size_t fanout_;
};

} // namespace

std::unique_ptr<protocol> make_push(const params& ps) {
  auto fanout = ps.get_uint("fanout", 1);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  return std::make_unique<push>(fanout);
}

void add_push_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<push_msg>("gossip::push_msg");
}

} // namespace gossip
