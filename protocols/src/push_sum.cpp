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

push_sum_share make_share(std::string from, mass s, mass w) {
  push_sum_share share{std::move(from)};
  split(s, share.s_hi, share.s_lo);
  split(w, share.w_hi, share.w_lo);
  return share;
}

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

std::optional<double> parse_push_sum_value(const std::string& text, double max_abs) {
  char* end = nullptr;
  auto v = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) ||
      std::fabs(v) > max_abs)
    return std::nullopt;
  return v;
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
const param_spec max_value{"max-value", "X", "1e15",
                           "largest magnitude of a node's value; bounds every share"};
const param_spec max_nodes{"max-nodes", "N", "1000000",
                           "most nodes a share's weight can stand for"};

class push_sum : public protocol {
public:
  explicit push_sum(const params& ps)
      : aggregate_(ps.get_string(aggregate)), leader_(ps.get_string(leader)),
        max_value_(ps.get_double(max_value)),
        max_nodes_(static_cast<double>(ps.get_uint(max_nodes))) {
    if (!(max_value_ > 0 && max_value_ <= 1e18) || max_nodes_ < 1)
      throw std::invalid_argument(
          "--max-value must be in (0, 1e18] and --max-nodes at least 1");
    if (aggregate_ != "average" && aggregate_ != "sum" && aggregate_ != "count")
      throw std::invalid_argument("invalid value '" + aggregate_ +
                                  "' for --aggregate: average, sum or count");
  }

  const char* name() const override { return "push-sum"; }

  const push_sum_state& state() const { return state_; }

  void handlers(handler_set& hs) override {
    hs.on<push_sum_share>([this](port& p, const push_sum_share& m) {
      if (auto err = implausible(m); !err.empty())
        return p.count(tally::rejected_item, err);
      start(p);
      // Each share is plausible on its own, but enough of them could still
      // overflow 128 bits (max-value * max-nodes may exceed 2^63): refused.
      mass s = 0, w = 0;
      if (__builtin_add_overflow(state_.s, join(m.s_hi, m.s_lo), &s) ||
          __builtin_add_overflow(state_.w, join(m.w_hi, m.w_lo), &w))
        return p.count(tally::rejected_item, "push-sum share would overflow the mass");
      state_.s = s;
      state_.w = w;
    });
  }

  caf::message_handler api(port& p) override {
    return {
        [this](push_sum_atom, double value) -> caf::result<void> {
          if (!std::isfinite(value) || std::fabs(value) > max_value_)
            return caf::make_error(
                caf::sec::invalid_argument,
                "push-sum value must be finite and at most --max-value");
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
    p.send(peers[0], wire(make_share(p.self(), s_out, w_out)), carries::update);
  }

private:
  // An honest share carries part of some nodes' (x, 1) (or (x, 0) for sum and
  // count, where only the leader starts with weight 1): its weight stands
  // for at most max_nodes nodes (at most 1 for sum and count, the whole
  // cluster's); for the average |s| <= max_value * w, since s / w is then a
  // mean of values; for the sum |s| <= max_value * max_nodes; for the count
  // 0 <= s <= max_nodes (every x is 1). Anything else would skew every
  // estimate: one share of s = 1e18 made the count 1e18.
  std::string implausible(const push_sum_share& m) const {
    auto s = from_mass(join(m.s_hi, m.s_lo));
    auto w = from_mass(join(m.w_hi, m.w_lo));
    bool average = aggregate_ == "average";
    if (w > (average ? max_nodes_ : 1.0))
      return "push-sum share with a weight of more than --max-nodes (1 for sum and "
             "count)";
    if (aggregate_ == "count" && s < 0)
      return "push-sum share with a negative count";
    auto bound = average               ? max_value_ * w * (1 + 1e-9) + 1e-9
                 : aggregate_ == "sum" ? max_value_ * max_nodes_
                                       : max_nodes_ * (1 + 1e-9);
    if (std::fabs(s) > bound)
      return "push-sum share with more mass than its weight allows";
    return {};
  }

  // The initial (s, w), on the first round or first share.
  void start(port& p) {
    if (started_)
      return;
    started_ = true;
    double x = value_.value_or(0.0);
    if (!value_) {
      auto label = p.label(p.self(), "value");
      if (auto v = parse_push_sum_value(label, max_value_))
        x = *v;
      else if (!label.empty())
        p.count(tally::rejected_item, "push-sum: label value '" + label + "' ignored");
    }
    if (aggregate_ == "count")
      x = 1;
    bool weighted = aggregate_ == "average" || p.self() == leader_;
    state_.s = to_mass(x);
    state_.w = weighted ? to_mass(1.0) : 0;
  }

  std::string aggregate_;
  std::string leader_;
  double max_value_;
  double max_nodes_;
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
      "Kempe, Dobra, Gehrke 2003", {aggregate, leader, max_value, max_nodes});
  return info;
}

} // namespace gossip
