// The guard's frame parser alone: no sockets, no actor system.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "gossip/basp_frame.hpp"

using namespace gossip::basp_frame;

namespace {

caps test_caps() {
  return caps{1u << 20, 1024};
}

std::string bytes(const header& h, size_t payload = 0, char fill = 'x') {
  auto raw = encode(h);
  std::string out{raw.begin(), raw.end()};
  out.append(payload, fill);
  return out;
}

header client_hs(uint32_t len = 32) {
  return header{1, 0, len, 0, 0, 0};
}

header server_hs(uint32_t len = 58) {
  return header{0, 0, len, 1, 0, 0};
}

header direct(uint32_t len, uint64_t dest = 7) {
  return header{2, 0, len, 0, 1, dest};
}

header heartbeat() {
  return header{6, 0, 0, 0, 0, 0};
}

// Feeds `input` in pieces of the given sizes (the rest in one); collects
// what the parser lets through.
struct run {
  bool ok = true;
  std::string out;
  parser p;

  run(speaker who, const std::string& input, std::vector<size_t> pieces = {},
      caps c = test_caps())
      : p(who, c) {
    size_t at = 0;
    for (auto n : pieces) {
      if (!ok || at >= input.size())
        break;
      n = std::min(n, input.size() - at);
      ok = feed(input.data() + at, n);
      at += n;
    }
    if (ok && at < input.size())
      ok = feed(input.data() + at, input.size() - at);
  }

  bool feed(const char* data, size_t n) {
    return p.feed(data, n, [this](const char* d, size_t k) { out.append(d, k); });
  }
};

} // namespace

TEST(BaspFrame, EncodeDecodeRoundTrip) {
  header h{5, 0x02, 0xdeadbeef, 0x0102030405060708, 42, 0};
  auto raw = encode(h);
  EXPECT_EQ(raw[0], 5);
  EXPECT_EQ(raw[3], 0x02);
  EXPECT_EQ(raw[4], 0xde); // network byte order
  EXPECT_EQ(raw[15], 0x08);
  auto back = decode(raw.data());
  EXPECT_EQ(back.operation, 5);
  EXPECT_EQ(back.flags, 0x02);
  EXPECT_EQ(back.payload_len, 0xdeadbeefu);
  EXPECT_EQ(back.operation_data, 0x0102030405060708u);
  EXPECT_EQ(back.source_actor, 42u);
  EXPECT_EQ(back.dest_actor, 0u);
}

TEST(BaspFrame, AHandshakeAndMessagesPassUnchanged) {
  auto input = bytes(client_hs(), 32) + bytes(heartbeat()) + bytes(direct(100), 100) +
               bytes(client_hs(), 32); // repeated with select_connection_flag
  run r{speaker::client, input};
  EXPECT_TRUE(r.ok) << r.p.error();
  EXPECT_EQ(r.out, input);
  EXPECT_EQ(r.p.frames(), 4u);
  EXPECT_TRUE(r.p.handshake_done());
  EXPECT_EQ(r.p.pending_payload(), 0u);
}

TEST(BaspFrame, AnySplitGivesTheSameBytes) {
  auto input = bytes(client_hs(), 32) + bytes(direct(5000), 5000) + bytes(heartbeat()) +
               bytes(direct(1), 1);
  for (size_t piece : {1, 2, 3, 5, 7, 31, 32, 33, 64, 1000}) {
    run r{speaker::client, input, std::vector<size_t>(input.size() / piece + 1, piece)};
    EXPECT_TRUE(r.ok) << "pieces of " << piece << ": " << r.p.error();
    EXPECT_EQ(r.out, input) << "pieces of " << piece;
  }
  std::mt19937 rng{7};
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> pieces;
    for (size_t sum = 0; sum < input.size();) {
      auto n = std::uniform_int_distribution<size_t>{1, 80}(rng);
      pieces.push_back(n);
      sum += n;
    }
    run r{speaker::client, input, pieces};
    ASSERT_TRUE(r.ok) << r.p.error();
    ASSERT_EQ(r.out, input);
  }
}

TEST(BaspFrame, APartialHeaderIsHeldBack) {
  auto input = bytes(client_hs(), 32);
  parser p{speaker::client, test_caps()};
  std::string out;
  auto sink = [&](const char* d, size_t k) { out.append(d, k); };
  ASSERT_TRUE(p.feed(input.data(), 10, sink));
  EXPECT_TRUE(out.empty()) << "nothing before the header is complete and checked";
  EXPECT_EQ(p.partial_header(), 10u);
  EXPECT_FALSE(p.started());
  ASSERT_TRUE(p.feed(input.data() + 10, 30, sink));
  EXPECT_EQ(out, input.substr(0, 40));
  EXPECT_TRUE(p.started());
  EXPECT_FALSE(p.handshake_done()) << "its payload is still coming";
  EXPECT_EQ(p.pending_payload(), 24u);
  ASSERT_TRUE(p.feed(input.data() + 40, input.size() - 40, sink));
  EXPECT_TRUE(p.handshake_done());
}

TEST(BaspFrame, HugePayloadLenIsRefusedBeforeItsPayload) {
  // A 4 GiB announcement as the very first frame and after a handshake,
  // split or whole: not one byte of the bad header goes out.
  for (auto first : {true, false}) {
    auto prefix = first ? std::string{} : bytes(client_hs(), 32);
    auto bad = first ? client_hs(0xFFFFFFFFu) : direct(0xFFFFFFFFu);
    auto input = prefix + bytes(bad);
    for (size_t piece : {1, 5, 32, 1000}) {
      run r{speaker::client, input, std::vector<size_t>(input.size(), piece)};
      EXPECT_FALSE(r.ok);
      EXPECT_EQ(r.out, prefix);
      EXPECT_NE(r.p.error().find("4294967295"), std::string::npos) << r.p.error();
    }
  }
}

TEST(BaspFrame, TheCapIsInclusive) {
  auto c = test_caps();
  auto ok = bytes(client_hs(), 32) + bytes(direct(c.max_payload));
  EXPECT_TRUE(run(speaker::client, ok).ok);
  auto over = bytes(client_hs(), 32) + bytes(direct(c.max_payload + 1));
  EXPECT_FALSE(run(speaker::client, over).ok);
  EXPECT_TRUE(run(speaker::client, bytes(client_hs(c.max_handshake_payload))).ok);
  EXPECT_FALSE(run(speaker::client, bytes(client_hs(c.max_handshake_payload + 1))).ok);
}

TEST(BaspFrame, TheFirstFrameMustBeTheSpeakersHandshake) {
  EXPECT_FALSE(run(speaker::client, bytes(direct(10), 10)).ok);
  EXPECT_FALSE(run(speaker::client, bytes(heartbeat())).ok);
  EXPECT_FALSE(run(speaker::client, bytes(server_hs(), 58)).ok);
  EXPECT_FALSE(run(speaker::server, bytes(client_hs(), 32)).ok);
  EXPECT_TRUE(run(speaker::server, bytes(server_hs(), 58)).ok);
  EXPECT_FALSE(run(speaker::server, bytes(header{0, 0, 58, 0, 0, 0}, 58)).ok)
      << "a server handshake carries its version";
  EXPECT_FALSE(run(speaker::client, bytes(client_hs(0))).ok) << "empty handshake";
  EXPECT_FALSE(run(speaker::client, bytes(header{1, 0, 32, 0, 5, 0}, 32)).ok)
      << "a handshake names no actors";
}

TEST(BaspFrame, BadOperationsAndMalformedHeadersAreRefused) {
  auto hs = bytes(client_hs(), 32);
  for (uint8_t op : {7, 8, 100, 255}) {
    run r{speaker::client, hs + bytes(header{op, 0, 0, 0, 0, 0})};
    EXPECT_FALSE(r.ok) << "operation " << int{op};
    EXPECT_EQ(r.out, hs);
  }
  std::vector<header> malformed{
      header{2, 0, 10, 0, 1, 0}, // direct message to nobody
      header{2, 0, 0, 0, 1, 7},  // direct message without payload
      header{3, 0, 0, 0, 1, 7},  // routed message without payload
      header{4, 0, 10, 1, 0, 0}, // monitor with operation data
      header{5, 0, 10, 0, 0, 0}, // down from nobody
      header{5, 0, 10, 0, 1, 7}, // down to someone
      header{6, 0, 1, 0, 0, 0},  // heartbeat with payload
      header{6, 0, 0, 0, 1, 0},  // heartbeat from an actor
      header{0, 0, 58, 1, 0, 0}, // a second (server) handshake from a client
  };
  for (auto& h : malformed)
    EXPECT_FALSE(run(speaker::client, hs + bytes(h, h.payload_len)).ok)
        << "operation " << int{h.operation};
  // A server never sends a client handshake, nor a second server handshake.
  auto shs = bytes(server_hs(), 58);
  EXPECT_FALSE(run(speaker::server, shs + bytes(client_hs(), 32)).ok);
  EXPECT_FALSE(run(speaker::server, shs + bytes(server_hs(), 58)).ok);
  EXPECT_TRUE(run(speaker::server, shs + bytes(heartbeat()) + bytes(direct(3), 3)).ok);
}

TEST(BaspFrame, AFailedParserStaysFailed) {
  parser p{speaker::client, test_caps()};
  auto bad = bytes(direct(5), 5);
  std::string out;
  auto sink = [&](const char* d, size_t k) { out.append(d, k); };
  EXPECT_FALSE(p.feed(bad.data(), bad.size(), sink));
  auto good = bytes(client_hs(), 32);
  EXPECT_FALSE(p.feed(good.data(), good.size(), sink));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(p.failed());
}

TEST(BaspFrame, RandomHeadersNeverPassABigPayload) {
  // What a scanner or a fuzzer sends: whatever passes, its payload is capped.
  std::mt19937_64 rng{42};
  size_t passed = 0;
  for (int i = 0; i < 100000; ++i) {
    std::array<uint8_t, header_size> raw;
    for (size_t k = 0; k < raw.size(); k += 8) {
      auto x = rng();
      for (size_t b = 0; b < 8; ++b)
        raw[k + b] = static_cast<uint8_t>(x >> (8 * b));
    }
    raw[0] %= 8; // mostly known operations, some unknown
    auto h = decode(raw.data());
    for (bool first : {true, false})
      for (auto who : {speaker::client, speaker::server})
        if (check(h, first, who, test_caps()).empty()) {
          ++passed;
          EXPECT_LE(h.payload_len, test_caps().max_payload);
        }
  }
  EXPECT_LT(passed, 1000u) << "random headers should rarely look valid";
}
