#include "gossip/pull.hpp"

#include <caf/actor_system_config.hpp>

namespace gossip {

std::string validate(const pull_request& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.digest, lim));
}

std::string validate(const pull_response& m, const limits& lim) {
  return check_batch(m.from, m.entries.size(), lim);
}

namespace {

const param_spec fanout{"fanout", "N", "1", "peers asked each round", 1};

class pull : public protocol {
public:
  explicit pull(const params& ps) : fanout_(ps.get_uint(fanout)) {}

  const char* name() const override { return "pull"; }

  void handlers(handler_set& hs) override {
    hs.on<pull_request>([](port& p, const pull_request& m) -> answer {
      auto newer = p.data().newer_than(m.digest);
      if (newer.empty())
        return {}; // nothing they lack: no answer needed
      return reply_with(pull_response{p.self(), std::move(newer)}, carries::update);
    });
    hs.on<pull_response>(
        [](port& p, const pull_response& m) { merge(p, m.from, m.entries); });
  }

  void on_round(port& p) override {
    auto msg = wire(pull_request{p.self(), p.data().digest()});
    for (auto& peer : p.sample(fanout_))
      p.send(peer, msg, carries::control);
  }

private:
  size_t fanout_;
};

} // namespace

const protocol_info& pull_info() {
  static const protocol_info info = describe<pull, pull_request, pull_response>(
      "pull", "ask fanout peers for what I lack each round", "Demers et al. 1987",
      {fanout});
  return info;
}

} // namespace gossip
