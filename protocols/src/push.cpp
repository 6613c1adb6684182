#include "gossip/push.hpp"

#include <caf/actor_system_config.hpp>

namespace gossip {

std::string validate(const push_msg& m, const limits& lim) {
  return check_batch(m.from, m.entries.size(), lim);
}

namespace {

const param_spec fanout{"fanout", "N", "1", "peers sent the store each round", 1};

class push : public protocol {
public:
  explicit push(const params& ps) : fanout_(ps.get_uint(fanout)) {}

  const char* name() const override { return "push"; }

  void handlers(handler_set& hs) override {
    hs.on<push_msg>([](port& p, const push_msg& m) { merge(p, m.from, m.entries); });
  }

  void on_round(port& p) override {
    if (p.data().size() == 0)
      return;
    // One message, shared by all receivers.
    auto msg = wire(push_msg{p.self(), p.data().entries()});
    for (auto& peer : p.sample(fanout_))
      p.send(peer, msg, carries::update);
  }

private:
  size_t fanout_;
};

} // namespace

const protocol_info& push_info() {
  static const protocol_info info = describe<push, push_msg>(
      "push", "send my store to fanout peers each round", "Demers et al. 1987", {fanout});
  return info;
}

} // namespace gossip
