// fuzz_push_sum: push-sum through the fake port (fuzz.hpp). Whatever shares
// arrive: no crash and no overflow (UBSan), the weight never goes negative, a
// round moves mass without creating or losing any, and an accepted share adds
// exactly its own.
#include "targets.hpp"

namespace {

using namespace gossip;
using namespace gossip::fuzz;

mass join(uint64_t hi, uint64_t lo) {
  return static_cast<mass>((static_cast<unsigned __int128>(hi) << 64) | lo);
}

/// a + b, wrapping (the checks must not overflow where the protocol may not).
mass plus(mass a, mass b) {
  return static_cast<mass>(static_cast<unsigned __int128>(a) +
                           static_cast<unsigned __int128>(b));
}

push_sum_state state(test::fake_node& n) {
  auto s = push_sum_state_of(n.proto());
  require(s.has_value(), "no push-sum state");
  return *s;
}

/// Remembers the state before each step.
struct mass_checks {
  push_sum_state before;
  bool started = false;
  size_t rejected = 0;

  void operator()(test::fake_node& n, const caf::message* delivered) {
    auto now = state(n);
    require(now.w >= 0, "negative push-sum weight");
    auto rejections = n.rejected.size() + n.rejected_items.size();
    auto shares = n.sent<push_sum_share>();
    if (delivered != nullptr) {
      auto m = test::as<push_sum_share>(*delivered);
      bool accepted = m && rejections == rejected;
      if (accepted && started)
        require(now.s == plus(before.s, join(m->s_hi, m->s_lo)) &&
                    now.w == plus(before.w, join(m->w_hi, m->w_lo)),
                "an accepted share did not add exactly its mass");
      started = started || accepted;
    } else if (!shares.empty()) {
      // A round: what left plus what stayed is what there was.
      require(shares.size() == 1, "more than one share in a round");
      auto& x = shares[0];
      if (started)
        require(plus(now.s, join(x.s_hi, x.s_lo)) == before.s &&
                    plus(now.w, join(x.w_hi, x.w_lo)) == before.w,
                "a round created or lost mass");
      started = true;
    }
    before = now;
    rejected = rejections;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const target t{"push-sum",
                        {{},
                         {{"aggregate", "sum"}, {"leader", "n"}},
                         {{"aggregate", "sum"}, {"leader", "a"}},
                         {{"aggregate", "count"}, {"leader", "n"}},
                         {{"max-value", "1e18"}, {"max-nodes", "4"}}},
                        [](test::fake_node& n) { n.set_label(n.self(), "value", "0.5"); },
                        {},
                        [] { return target::checks{mass_checks{}}; }};
  return run(push_sum_types{}, t, data, size);
}
