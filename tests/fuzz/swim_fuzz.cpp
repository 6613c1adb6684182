// fuzz_swim: SWIM through the fake port (fuzz.hpp), members known up front
// and seeds to join through. Whatever arrives: its own incarnation never
// decreases and never jumps further than the updates that arrived allow (so
// it never wraps); its table stays within limits::max_members (plus the
// peers given up front), holds itself once, and every row validates; all it
// sends would pass a peer's gate.
#include "targets.hpp"

namespace {

using namespace gossip;
using namespace gossip::fuzz;

std::vector<member_update> table(test::fake_node& n) {
  auto r = n.request(caf::make_message(members_atom::value));
  require(r && test::as<std::vector<member_update>>(*r), "no members answer");
  return *test::as<std::vector<member_update>>(*r);
}

/// Member updates a SWIM message carries.
size_t updates(const caf::message& msg) {
  if (auto m = test::as<swim_ping>(msg))
    return m->updates.size();
  if (auto m = test::as<swim_ack>(msg))
    return m->updates.size();
  if (auto m = test::as<swim_ping_req>(msg))
    return m->updates.size();
  if (auto m = test::as<swim_gossip>(msg))
    return m->updates.size();
  if (auto m = test::as<swim_sync>(msg))
    return m->members.size();
  return 0;
}

struct membership_checks {
  uint64_t incarnation = 0;

  void operator()(test::fake_node& n, const caf::message* delivered) {
    auto rows = table(n);
    require(!rows.empty() && rows[0].name == n.self(), "own row missing");
    // Bootstrap adds the peers given up front unchecked (trusted: an
    // in-process cluster), even when messages before the first round filled
    // the table; anything from outside is turned away at the bound.
    require(rows.size() <= 1 + n.lim.max_members + peer_names.size(),
            "member table over its bound");
    for (size_t i = 0; i < rows.size(); ++i) {
      auto err = validate(rows[i], n.lim);
      require(err.empty(), "member row does not validate: " + err);
      require(i == 0 || rows[i].name != n.self(), "itself twice in its table");
    }
    auto now = rows[0].incarnation;
    require(now >= incarnation, "own incarnation went down");
    // Each update may outbid us by at most max_incarnation_ahead + 1, a
    // leave or a refutation by one: far from the end of a uint64_t.
    auto steps = (delivered ? updates(*delivered) : 0) + 1;
    require(now - incarnation <= steps * (n.lim.max_incarnation_ahead + 1),
            "own incarnation jumped further than any update allows");
    require(now < (uint64_t{1} << 62), "own incarnation near its end");
    incarnation = now;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const target t{"swim",
                        {{},
                         {{"seeds", "s:7001"},
                          {"indirect", "1"},
                          {"suspicion-mult", "1"},
                          {"dead-retry", "2"},
                          {"sync-every", "3"}},
                         {{"gossip-fanout", "0"},
                          {"piggyback", "2"},
                          {"retransmit-mult", "1"},
                          {"probe-every", "2"}}},
                        [](test::fake_node& n) { n.set_label(n.self(), "zone", "eu"); },
                        {},
                        [] { return target::checks{membership_checks{}}; }};
  return run(swim_types{}, t, data, size);
}
