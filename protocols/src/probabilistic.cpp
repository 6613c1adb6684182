#include "gossip/probabilistic.hpp"

#include <caf/actor_system_config.hpp>

#include <tuple>
#include <utility>
#include <vector>

#include "gossip/rumor_window.hpp"

namespace gossip {

std::string validate(const rumor_msg& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.rumor, lim));
}

namespace {

const param_spec fanout{"fanout", "N", "3", "peers a new rumor is forwarded to", 1};
const param_spec p_forward{"p", "P", "1.0", "forward probability"};
const param_spec k_hops{"k", "N", "0", "always forward for the first k hops"};
const param_spec remember{"remember", "N", "100",
                          "rounds a rumor id is kept to drop duplicates"};
const param_spec repeat{"repeat", "N", "0",
                        "rounds a forwarded rumor is sent again to fanout more peers"};
const param_spec defer{"defer", "", "false", "forward at the next round, not at once"};

class probabilistic : public protocol {
public:
  explicit probabilistic(const params& ps)
      : fanout_(ps.get_uint(fanout)), p_(ps.get_double(p_forward)),
        k_(static_cast<uint32_t>(std::min<uint64_t>(ps.get_uint(k_hops), UINT32_MAX))),
        seen_(ps.get_uint(remember)), repeat_(ps.get_uint(repeat)),
        defer_(ps.get_bool(defer)) {
    if (p_ < 0 || p_ > 1)
      throw std::invalid_argument("--p must be between 0 and 1");
  }

  const char* name() const override { return "probabilistic"; }

  void handlers(handler_set& hs) override {
    hs.on<rumor_msg>([this](port& p, const rumor_msg& m) {
      if (!first_time(p, m.rumor))
        return; // a duplicate (already delivered and forwarded), or no room
      deliver(p, m.from, m.rumor);
      auto coin = std::uniform_real_distribution<double>{0, 1}(p.rng());
      spread(p, m.from, m.rumor, m.rumor.hops < k_ || coin < p_);
    });
  }

  caf::message_handler api(port& p) override {
    return {[this, &p](broadcast_atom, const std::string& text) -> caf::result<uint64_t> {
      if (text.size() > p.limits().max_value_bytes)
        return caf::make_error(caf::sec::invalid_argument, "rumor text too long");
      rumor r{p.self(), ++last_id_, text, 0, {}};
      first_time(p, r);
      deliver(p, p.self(), r);
      spread(p, p.self(), r, true);
      return r.id;
    }};
  }

  size_t pending() const override { return deferred_.size() + repeating_.size(); }

  void on_round(port& p) override {
    // Deferred mode: what arrived since the last round hops on now.
    auto due = std::move(deferred_);
    deferred_.clear();
    for (auto& [from, r, go] : due)
      spread_now(p, from, r, go);
    for (auto i = repeating_.begin(); i != repeating_.end();) {
      send(p, {}, i->first);
      i = --i->second == 0 ? repeating_.erase(i) : std::next(i);
    }
    seen_.expire(p.round());
  }

private:
  bool first_time(port& p, const rumor& r) {
    auto x = seen_.insert(r, p.round(), p.limits().max_rumor_ids);
    if (x == rumor_window::outcome::full)
      p.count(tally::rejected_item, "rumor id window full");
    return x == rumor_window::outcome::fresh;
  }

  void spread(port& p, const std::string& from, const rumor& r, bool go) {
    if (defer_)
      deferred_.emplace_back(from, r, go);
    else
      spread_now(p, from, r, go);
  }

  void spread_now(port& p, const std::string& from, const rumor& r, bool go) {
    if (!go)
      return;
    auto next = next_hop(r);
    send(p, from, next);
    if (repeat_ > 0)
      repeating_.emplace_back(std::move(next), repeat_);
  }

  void send(port& p, const std::string& from, const rumor& r) {
    forward(p, fanout_, wire(rumor_msg{p.self(), r}), from, r.origin);
  }

  size_t fanout_;
  double p_;
  uint32_t k_;
  rumor_window seen_;
  uint64_t repeat_;
  bool defer_;
  std::vector<std::pair<rumor, uint64_t>> repeating_; // rumor, rounds left
  std::vector<std::tuple<std::string, rumor, bool>> deferred_;
  uint64_t last_id_ = 0;
};

} // namespace

const protocol_info& probabilistic_info() {
  static const protocol_info info = describe<probabilistic, rumor_msg>(
      "probabilistic", "forward each new rumor to fanout peers with probability p",
      "Haas, Halpern, Li 2002", {fanout, p_forward, k_hops, remember, repeat, defer});
  return info;
}

} // namespace gossip
