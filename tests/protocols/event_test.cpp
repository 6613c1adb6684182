#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "gossip/event.hpp"
#include "gossip/membership.hpp"
#include "gossip/rumor.hpp"
#include "gossip/store.hpp"

using namespace gossip;

namespace {

event stamped(event ev) {
  ev.node = "n1";
  ev.round = 12;
  ev.time_ms = 345678;
  return ev;
}

void expect_same(const event& a, const event& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.node, b.node);
  EXPECT_EQ(a.round, b.round);
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.peer, b.peer);
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_EQ(a.tombstone, b.tombstone);
  EXPECT_EQ(a.incarnation, b.incarnation);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.reporter, b.reporter);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.topic, b.topic);
  EXPECT_EQ(a.detail, b.detail);
}

member_update suspect_n3() {
  member_update m;
  m.name = "n3";
  m.incarnation = 4;
  m.status = static_cast<uint8_t>(member_status::suspect);
  m.address = "127.0.0.1:7003";
  m.reporter = "n2";
  return m;
}

} // namespace

TEST(Event, KindNamesRoundTrip) {
  for (auto k :
       {event_kind::delivered, event_kind::stored, event_kind::state_changed,
        event_kind::member_up, event_kind::member_suspect, event_kind::member_down,
        event_kind::member_left, event_kind::unreachable})
    EXPECT_EQ(event_kind_from(to_string(k)), k);
  EXPECT_FALSE(event_kind_from("listening"));
  EXPECT_TRUE(is_member_event(event_kind::member_left));
  EXPECT_FALSE(is_member_event(event_kind::state_changed));
}

TEST(Event, EntryFieldsOnly) {
  entry e{"blue", 7, "n2", false, 0};
  EXPECT_EQ(to_json(stamped(stored_event("color", e))),
            R"({"event":"stored","node":"n1","time_ms":345678,"round":12,"key":"color",)"
            R"("value":"blue","version":7,"origin":"n2","tombstone":false})");
  EXPECT_EQ(
      to_json(stamped(delivered_event("n4", "color", e))),
      R"({"event":"delivered","node":"n1","time_ms":345678,"round":12,"peer":"n4",)"
      R"("key":"color","value":"blue","version":7,"origin":"n2","tombstone":false})");
}

TEST(Event, RumorHasHopsAndTopic) {
  rumor r{"n2", 9, "ping", 3, "news"};
  EXPECT_EQ(to_json(stamped(delivered_event("n4", r))),
            R"({"event":"delivered","node":"n1","time_ms":345678,"round":12,"peer":"n4",)"
            R"("value":"ping","version":9,"origin":"n2","hops":3,"topic":"news"})");
}

TEST(Event, MemberEventNamesTheReporterOfASuspicion) {
  auto m = suspect_n3();
  auto ev = member_event(event_kind::member_suspect, m, "suspected by n2");
  EXPECT_EQ(ev.peer, "n3");
  EXPECT_EQ(ev.reporter, "n2");
  EXPECT_EQ(ev.detail, "suspected by n2");
  EXPECT_EQ(to_json(stamped(ev)),
            R"({"event":"member_suspect","node":"n1","time_ms":345678,"round":12,)"
            R"("peer":"n3","incarnation":4,"address":"127.0.0.1:7003","reporter":"n2",)"
            R"("detail":"suspected by n2"})");
  // Only a suspicion has a reporter; the address is not in the detail.
  auto up = member_event(event_kind::member_up, m);
  EXPECT_TRUE(up.reporter.empty());
  EXPECT_TRUE(up.detail.empty());
  EXPECT_EQ(to_json(stamped(up)),
            R"({"event":"member_up","node":"n1","time_ms":345678,"round":12,)"
            R"("peer":"n3","incarnation":4,"address":"127.0.0.1:7003"})");
}

TEST(Event, StateAndUnreachable) {
  EXPECT_EQ(to_json(stamped(state_event(2, "leaving"))),
            R"({"event":"state_changed","node":"n1","time_ms":345678,"round":12,)"
            R"("incarnation":2,"detail":"leaving"})");
  EXPECT_EQ(to_json(stamped(unreachable_event("10.0.0.9:7946", "timeout"))),
            R"({"event":"unreachable","node":"n1","time_ms":345678,"round":12,)"
            R"("address":"10.0.0.9:7946","detail":"timeout"})");
}

TEST(Event, JsonRoundTrips) {
  entry e{"a \"quoted\"\nline\t\\ \x01", 7, "n2", true, 0};
  rumor r{"n2", 9, "ping", 3, ""};
  for (auto ev :
       {stored_event("k", e), delivered_event("n4", "k", e), delivered_event("n4", r),
        member_event(event_kind::member_suspect, suspect_n3(), "why"),
        member_event(event_kind::member_down, suspect_n3()), state_event(5, "refuted"),
        unreachable_event("h:1", "no route")}) {
    ev = stamped(ev);
    auto line = to_json(ev);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto back = event_from_json(line);
    ASSERT_TRUE(back) << line;
    expect_same(*back, ev);
  }
}

// Bytes that are not UTF-8 go out as NAME_base64 and come back whole; the
// line itself is strict UTF-8 (nlohmann-json's parser rejects anything else).
TEST(Event, BytesThatAreNotUtf8GoOutAsBase64AndComeBack) {
  entry e{"bad \xff\xfe bytes", 1, "n\xc3", false, 0};
  auto ev = stamped(stored_event("k\x80", e));
  auto line = to_json(ev);
  EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  EXPECT_EQ(line.find("\xEF\xBF\xBD"), std::string::npos) << "no U+FFFD: " << line;
  EXPECT_EQ(line, R"({"event":"stored","node":"n1","time_ms":345678,"round":12,)"
                  R"("key_base64":"a4A=","value_base64":"YmFkIP/+IGJ5dGVz","version":1,)"
                  R"("origin_base64":"bsM=","tombstone":false})");
  auto back = event_from_json(line);
  ASSERT_TRUE(back) << line;
  expect_same(*back, ev);
}

// Every field that carries outside bytes, filled with random bytes (seeded):
// each line is valid UTF-8 and parses back to the same event.
TEST(Event, AnyBytesRoundTripThroughJson) {
  std::mt19937_64 rng{11};
  auto bytes = [&] {
    std::string s(rng() % 12, '\0');
    for (auto& c : s)
      c = static_cast<char>(rng() % 256);
    return s;
  };
  size_t encoded = 0;
  for (int i = 0; i < 500; ++i) {
    entry e{bytes(), 3, bytes(), false, 0};
    rumor r{bytes(), 9, bytes(), 2, bytes()};
    member_update m = suspect_n3();
    m.name = bytes();
    m.address = bytes();
    for (auto ev : {delivered_event(bytes(), bytes(), e), delivered_event(bytes(), r),
                    member_event(event_kind::member_suspect, m, bytes())}) {
      ev.node = bytes();
      auto line = to_json(ev);
      ASSERT_TRUE(nlohmann::json::accept(line)) << line;
      encoded += line.find("_base64") != std::string::npos;
      auto back = event_from_json(line);
      ASSERT_TRUE(back) << line;
      expect_same(*back, ev);
    }
  }
  EXPECT_GT(encoded, 1000u); // the random bytes were mostly not UTF-8
}

TEST(Event, BadBase64IsNoEvent) {
  for (auto line : {R"({"event":"stored","key_base64":"a4A"})",
                    R"({"event":"stored","value_base64":"@@@@"})",
                    R"({"event":"stored","origin_base64":7})"})
    EXPECT_FALSE(event_from_json(line)) << line;
}

TEST(Event, WhatIsNotAnEventParsesToNothing) {
  for (auto line :
       {"", "not json", "[]", "42", "{}", R"({"event":"listening","node":"n1"})",
        R"({"event":7})", R"({"event":"stored","version":-1})",
        R"({"event":"stored","version":1.5})", R"({"event":"stored","key":3})",
        R"({"event":"stored","tombstone":"yes"})",
        R"({"event":"delivered","hops":4294967296})",
        R"({"event":"stored","time_ms":9223372036854775808})", R"({"event":"stored")"})
    EXPECT_FALSE(event_from_json(line)) << line;
  // Unknown fields are ignored: newer writers, older readers.
  auto ev = event_from_json(R"({"event":"member_up","peer":"n2","future":[1,2]})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, event_kind::member_up);
  EXPECT_EQ(ev->peer, "n2");
}
