#include "gossip/pull.hpp"

#include <caf/actor_system_config.hpp>

namespace gossip {

std::string check_digest(const std::vector<digest_item>& digest, const limits& lim) {
  if (digest.size() > lim.max_entries)
    return "digest with more than " + std::to_string(lim.max_entries) + " items";
  for (auto& d : digest)
    if (d.key.empty() || d.key.size() > lim.max_key_bytes ||
        d.origin.size() > lim.max_name_bytes)
      return "malformed digest item";
  return {};
}

namespace {

class pull : public protocol {
public:
  explicit pull(size_t fanout) : fanout_(fanout) {}

  const char* name() const override { return "pull"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [&ctx](const pull_request& m) {
          auto err = check_name(m.from, ctx.limits());
          if (err.empty())
            err = check_digest(m.digest, ctx.limits());
          if (!ctx.admit(err))
            return;
          auto answer = ctx.data().newer_than(m.digest);
          if (answer.empty())
            return; // nothing they lack: no answer needed
          ctx.note_update();
          ctx.reply(pull_response{ctx.self(), std::move(answer)});
        },
        [&ctx](const pull_response& m) {
          if (!ctx.admit(check_update(m.from, m.entries, ctx.limits())))
            return;
          ctx.merge(m.from, m.entries);
        },
    };
  }

  void on_round(context& ctx) override {
    auto msg = caf::make_message(pull_request{ctx.self(), ctx.data().digest()});
    for (auto& peer : ctx.sample(fanout_))
      ctx.send(peer, msg);
  }

private:
  size_t fanout_;
};

} // namespace

std::unique_ptr<protocol> make_pull(const params& ps) {
  auto fanout = ps.get_uint("fanout", 1);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  return std::make_unique<pull>(fanout);
}

void add_pull_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<pull_request>("gossip::pull_request");
  cfg.add_message_type<pull_response>("gossip::pull_response");
}

} // namespace gossip
