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

std::string validate(const push_sum_share& m, const limits& lim) {
  if (auto err = check_name(m.from, lim); !err.empty())
    return err;
  if (join(m.w_hi, m.w_lo) < 0)
    return "negative weight";
  return {};
}

double push_sum_state::estimate() const {
  if (w <= 0)
    return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(s) / static_cast<double>(w);
}

namespace {

const param_spec aggregate{"aggregate", "WHAT", "average", "average, sum or count"};
const param_spec leader{"leader", "NAME", "0",
                        "the node holding weight 1 for sum and count"};

class push_sum : public protocol {
public:
  explicit push_sum(const params& ps)
      : aggregate_(ps.get_string(aggregate)), leader_(ps.get_string(leader)) {
    if (aggregate_ != "average" && aggregate_ != "sum" && aggregate_ != "count")
      throw std::invalid_argument("invalid value '" + aggregate_ +
                                  "' for --aggregate: average, sum or count");
  }

  const char* name() const override { return "push-sum"; }

  const push_sum_state& state() const { return state_; }

  void handlers(handler_set& hs) override {
    hs.on<push_sum_share>([this](port& p, const push_sum_share& m) {
      start(p);
      state_.s += join(m.s_hi, m.s_lo);
      state_.w += join(m.w_hi, m.w_lo);
    });
  }

  caf::message_handler api(port& p) override {
    return {
        [this](push_sum_atom, double value) -> caf::result<void> {
          if (!std::isfinite(value) || std::fabs(value) >= 4e18)
            return caf::make_error(
                caf::sec::invalid_argument,
                "push-sum value must be finite and below 4e18 in magnitude");
          if (started_)
            return caf::make_error(
                caf::sec::invalid_argument,
                "push-sum value can only be set before the first round");
          value_ = value;
          return caf::unit;
        },
        [this, &p](push_sum_atom) {
          return std::make_tuple(state_.estimate(), p.round());
        },
    };
  }

  void on_round(port& p) override {
    start(p);
    auto peers = p.sample(1);
    if (peers.empty())
      return;
    // Floor half out, remainder kept: s_kept + s_sent == s exactly.
    mass s_out = state_.s >> 1, w_out = state_.w >> 1;
    state_.s -= s_out;
    state_.w -= w_out;
    push_sum_share share{p.self()};
    split(s_out, share.s_hi, share.s_lo);
    split(w_out, share.w_hi, share.w_lo);
    p.send(peers[0], wire(std::move(share)), carries::update);
  }

private:
  // The initial (s, w), on the first round or first share.
  void start(port& p) {
    if (started_)
      return;
    started_ = true;
    double x = value_.value_or(0.0);
    if (!value_) {
      auto label = p.label(p.self(), "value");
      char* end = nullptr;
      auto v = label.empty() ? 0.0 : std::strtod(label.c_str(), &end);
      if (!label.empty() && end == label.c_str() + label.size() && std::isfinite(v))
        x = v;
    }
    if (aggregate_ == "count")
      x = 1;
    bool weighted = aggregate_ == "average" || p.self() == leader_;
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

const protocol_info& push_sum_info() {
  static const protocol_info info = describe<push_sum, push_sum_share>(
      "push-sum", "aggregates: average, sum or count by halving (s, w)",
      "Kempe, Dobra, Gehrke 2003", {aggregate, leader});
  return info;
}

} // namespace gossip
