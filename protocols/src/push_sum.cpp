#include "gossip/push_sum.hpp"

#include <caf/actor_system_config.hpp>

#include <cmath>
#include <limits>

namespace gossip {

namespace {

constexpr double one = 18446744073709551616.0; // 2^64

void split(mass x, uint64_t& hi, uint64_t& lo) {
  auto u = static_cast<unsigned __int128>(x);
  hi = static_cast<uint64_t>(u >> 64);
  lo = static_cast<uint64_t>(u);
}

mass join(uint64_t hi, uint64_t lo) {
  return static_cast<mass>((static_cast<unsigned __int128>(hi) << 64) | lo);
}

} // namespace

mass to_mass(double x) {
  // Integer and fraction parts separately: exact for |x| < 2^62.
  double ip = 0;
  double fp = std::modf(x, &ip);
  return static_cast<mass>(static_cast<int64_t>(ip)) * (static_cast<mass>(1) << 64) +
         static_cast<mass>(fp * one);
}

double from_mass(mass x) {
  return static_cast<double>(x) / one;
}

double push_sum_state::estimate() const {
  if (w <= 0)
    return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(s) / static_cast<double>(w);
}

namespace {

class push_sum : public protocol {
public:
  push_sum(std::string aggregate, std::string leader)
      : aggregate_(std::move(aggregate)), leader_(std::move(leader)) {}

  const char* name() const override { return "push-sum"; }

  const push_sum_state& state() const { return state_; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](const push_sum_share& m) {
          auto err = check_name(m.from, ctx.limits());
          auto w = join(m.w_hi, m.w_lo);
          if (err.empty() && w < 0)
            err = "negative weight";
          if (!ctx.admit(err))
            return;
          start(ctx);
          state_.s += join(m.s_hi, m.s_lo);
          state_.w += w;
        },
        [this, &ctx](push_sum_atom, double value) -> caf::result<void> {
          if (!std::isfinite(value) || std::fabs(value) >= 4e18)
            return caf::make_error(
                caf::sec::invalid_argument,
                "push-sum value must be finite and below 4e18 in magnitude");
          if (started_)
            return caf::make_error(
                caf::sec::invalid_argument,
                "push-sum value can only be set before the first round");
          value_ = value;
          (void)ctx;
          return caf::unit;
        },
        [this, &ctx](push_sum_atom) {
          return std::make_tuple(state_.estimate(), ctx.round());
        },
    };
  }

  void on_round(context& ctx) override {
    start(ctx);
    auto peers = ctx.sample(1);
    if (peers.empty())
      return;
    // Floor half out, remainder kept: s_kept + s_sent == s exactly.
    mass s_out = state_.s >> 1, w_out = state_.w >> 1;
    state_.s -= s_out;
    state_.w -= w_out;
    push_sum_share share{ctx.self()};
    split(s_out, share.s_hi, share.s_lo);
    split(w_out, share.w_hi, share.w_lo);
    ctx.send_update(peers[0], caf::make_message(std::move(share)));
  }

private:
  // The initial (s, w), on the first round or first share.
  void start(context& ctx) {
    if (started_)
      return;
    started_ = true;
    double x = value_.value_or(0.0);
    if (!value_) {
      auto label = ctx.label(ctx.self(), "value");
      char* end = nullptr;
      auto v = label.empty() ? 0.0 : std::strtod(label.c_str(), &end);
      if (!label.empty() && end == label.c_str() + label.size() && std::isfinite(v))
        x = v;
    }
    if (aggregate_ == "count")
      x = 1;
    bool weighted = aggregate_ == "average" || ctx.self() == leader_;
    state_.s = to_mass(x);
    state_.w = weighted ? to_mass(1.0) : 0;
  }

  std::string aggregate_;
  std::string leader_;
  std::optional<double> value_;
  bool started_ = false;
  push_sum_state state_;
};

} // namespace

std::optional<push_sum_state> push_sum_state_of(const protocol& p) {
  if (auto ps = dynamic_cast<const push_sum*>(&p))
    return ps->state();
  return std::nullopt;
}

std::unique_ptr<protocol> make_push_sum(const params& ps) {
  auto aggregate = ps.get_string("aggregate", "average");
  if (aggregate != "average" && aggregate != "sum" && aggregate != "count")
    throw std::invalid_argument("invalid value '" + aggregate +
                                "' for --aggregate: average, sum or count");
  return std::make_unique<push_sum>(aggregate, ps.get_string("leader", "0"));
}

void add_push_sum_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<push_sum_share>("gossip::push_sum_share");
}

} // namespace gossip
