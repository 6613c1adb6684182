#include "gossip/probabilistic.hpp"

#include <caf/actor_system_config.hpp>

#include <map>
#include <tuple>
#include <utility>
#include <vector>

namespace gossip {

std::string check_rumor(const rumor& r, const limits& lim) {
  if (auto err = check_name(r.origin, lim); !err.empty())
    return "rumor origin: " + err;
  if (r.payload.size() > lim.max_value_bytes)
    return "rumor payload longer than " + std::to_string(lim.max_value_bytes) + " bytes";
  if (r.id == 0)
    return "rumor with id 0";
  return {};
}

namespace {

class probabilistic : public protocol {
public:
  probabilistic(size_t fanout, double p, uint32_t k, uint64_t remember, uint64_t repeat,
                bool defer)
      : fanout_(fanout), p_(p), k_(k), remember_(remember), repeat_(repeat),
        defer_(defer) {}

  const char* name() const override { return "probabilistic"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](broadcast_atom, const std::string& text) -> caf::result<uint64_t> {
          if (text.size() > ctx.limits().max_value_bytes)
            return caf::make_error(caf::sec::invalid_argument, "rumor text too long");
          rumor r{ctx.self(), ++last_id_, text, 0, {}};
          seen_.emplace(std::make_pair(r.origin, r.id), ctx.round());
          deliver(ctx, ctx.self(), r);
          forward(ctx, ctx.self(), r, true);
          return r.id;
        },
        [this, &ctx](const rumor_msg& m) {
          auto err = check_name(m.from, ctx.limits());
          if (err.empty())
            err = check_rumor(m.rumor, ctx.limits());
          if (!ctx.admit(err))
            return;
          if (!seen_.emplace(std::make_pair(m.rumor.origin, m.rumor.id), ctx.round())
                   .second)
            return; // a duplicate: already delivered and forwarded
          deliver(ctx, m.from, m.rumor);
          auto coin = std::uniform_real_distribution<double>{0, 1}(ctx.rng());
          forward(ctx, m.from, m.rumor, m.rumor.hops < k_ || coin < p_);
        },
    };
  }

  size_t pending() const override { return deferred_.size() + repeating_.size(); }

  void on_round(context& ctx) override {
    // Deferred mode: what arrived since the last round hops on now.
    auto due = std::move(deferred_);
    deferred_.clear();
    for (auto& [from, r, go] : due)
      forward_now(ctx, from, r, go);
    for (auto i = repeating_.begin(); i != repeating_.end();) {
      send(ctx, {}, i->first);
      i = --i->second == 0 ? repeating_.erase(i) : std::next(i);
    }
    // Forget old rumor ids; a rumor older than this is no longer in flight.
    for (auto i = seen_.begin(); i != seen_.end();)
      i = i->second + remember_ < ctx.round() ? seen_.erase(i) : std::next(i);
  }

private:
  void deliver(context& ctx, const std::string& from, const rumor& r) {
    if (from == ctx.self()) {
      // The origin delivers its own rumor (not fresh: it did not arrive).
      if (ctx.observed())
        ctx.emit(event{
            "delivered", {}, from, {}, r.payload, r.id, r.origin, false, 0, 0, "hops=0"});
      return;
    }
    ctx.on_rumor(from, r);
  }

  void forward(context& ctx, const std::string& from, const rumor& r, bool go) {
    if (defer_)
      deferred_.emplace_back(from, r, go);
    else
      forward_now(ctx, from, r, go);
  }

  void forward_now(context& ctx, const std::string& from, const rumor& r, bool go) {
    if (!go)
      return;
    auto next = r;
    ++next.hops;
    send(ctx, from, next);
    if (repeat_ > 0)
      repeating_.emplace_back(std::move(next), repeat_);
  }

  void send(context& ctx, const std::string& from, const rumor& r) {
    ctx.forward(fanout_, caf::make_message(rumor_msg{ctx.self(), r}), from, r.origin);
  }

  size_t fanout_;
  double p_;
  uint32_t k_;
  uint64_t remember_;
  uint64_t repeat_;
  bool defer_;
  std::vector<std::pair<rumor, uint64_t>> repeating_; // rumor, rounds left
  std::vector<std::tuple<std::string, rumor, bool>> deferred_;
  uint64_t last_id_ = 0;
  std::map<std::pair<std::string, uint64_t>, uint64_t> seen_; // -> round first seen
};

} // namespace

std::unique_ptr<protocol> make_probabilistic(const params& ps) {
  auto fanout = ps.get_uint("fanout", 3);
  auto p = ps.get_double("p", 1.0);
  auto k = ps.get_uint("k", 0);
  auto remember = ps.get_uint("remember", 100);
  if (fanout == 0)
    throw std::invalid_argument("--fanout must be at least 1");
  if (p < 0 || p > 1)
    throw std::invalid_argument("--p must be between 0 and 1");
  return std::make_unique<probabilistic>(fanout, p, static_cast<uint32_t>(k), remember,
                                         ps.get_uint("repeat", 0),
                                         ps.get_bool("defer", false));
}

void add_probabilistic_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<rumor_msg>("gossip::rumor_msg");
}

} // namespace gossip
