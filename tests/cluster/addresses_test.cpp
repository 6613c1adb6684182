// Addresses, with real processes: a cluster on ::1 end to end (seeds
// "[::1]:port", gossip-ctl --node=[::1]:port), and --host apart from
// --advertise: members dial what a node advertises, here a relay on ::1 in
// front of a node bound to 127.0.0.1 (a port forward's situation).
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "helpers.hpp"
#include "hostile.hpp"
#include "process_cluster.hpp"
#include "relay.hpp"

using namespace gossip;
using namespace gossip::proc;
using namespace std::chrono_literals;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// gossip-ctl get on node i until it prints `value` or `limit` passes.
bool reads(process_cluster& c, size_t i, const std::string& key, const std::string& value,
           std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::string out;
  while (std::chrono::steady_clock::now() < deadline) {
    if (c.ctl(i, {"get", key}, &out) == 0 && out == value + "\n")
      return true;
    c.pump(100ms);
  }
  return false;
}

// gossip-ctl members on node i until every line in `want` is in it (only
// verified addresses are passed on: a member first heard of through another
// shows "-" until then).
bool lists(process_cluster& c, size_t i, const std::vector<std::string>& want,
           std::chrono::milliseconds limit, std::string& out) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (c.ctl(i, {"members"}, &out) == 0 &&
        std::all_of(want.begin(), want.end(),
                    [&](auto& w) { return out.find(w) != std::string::npos; }))
      return true;
    c.pump(100ms);
  }
  return false;
}

} // namespace

TEST(Addresses, AClusterOnIpv6LoopbackWorksEndToEnd) {
  auto s = test::spec(3);
  s.node_args.push_back("--host=::1");
  process_cluster c{s};
  c.start_all(); // each seeded with "[::1]:port" of a running node
  for (size_t i = 0; i < c.size(); ++i)
    EXPECT_TRUE(starts_with(c.address(i), "[::1]:")) << c.address(i);
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 3); }, 30s));
  // gossip-ctl --node=[::1]:port; every member at its IPv6 address.
  std::vector<std::string> want;
  for (size_t i = 0; i < c.size(); ++i)
    want.push_back(c.name(i) + " " + c.address(i) + " alive");
  std::string out;
  EXPECT_TRUE(lists(c, 2, want, 20s, out)) << out;
  for (auto& ev : c.events(2)) {
    if (ev.kind == event_kind::member_up && !ev.address.empty()) {
      EXPECT_TRUE(starts_with(ev.address, "[::1]:")) << ev.address;
    }
  }
  ASSERT_EQ(c.ctl(0, {"put", "v6", "over ipv6"}), 0);
  EXPECT_TRUE(reads(c, 2, "v6", "over ipv6", 20s));
  c.stop_all();
}

TEST(Addresses, MembersDialTheAdvertisedAddressNotTheBoundOne) {
  test::relay relay;
  auto bound = hostile::closed_port(); // free on 127.0.0.1
  relay.target(bound);
  auto advertised = "[::1]:" + std::to_string(relay.port());
  process_cluster c{test::spec(3)};
  c.start(0);
  // n2 binds 127.0.0.1:bound and tells members [::1]:relay.
  c.launch(1, 0, {"--port=" + std::to_string(bound), "--advertise=" + advertised});
  ASSERT_TRUE(c.wait_listening(1, 20s));
  EXPECT_EQ(c.address(1), advertised);
  c.start(2); // joins through n1 only: it learns n2's address from n1
  ASSERT_TRUE(c.wait_until([&] { return test::all_see(c, 3); }, 30s));
  // n3 learns n2's advertised address once n1 has verified it there.
  std::string out;
  EXPECT_TRUE(lists(c, 2, {"n2 " + advertised + " alive"}, 20s, out)) << out;
  // n1 and n3 each reached n2 through the relay, before any gossip-ctl call
  // to n2.
  EXPECT_GE(relay.relayed(), 2u);
  // gossip-ctl reaches n2 at its advertised address too (through the relay).
  ASSERT_EQ(c.ctl(1, {"put", "k", "via the relay"}), 0);
  EXPECT_TRUE(reads(c, 2, "k", "via the relay", 20s));
  c.stop_all();
}
