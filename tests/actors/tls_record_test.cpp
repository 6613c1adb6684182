// The guard's check of a TLS client's first record, alone.
#include <gtest/gtest.h>

#include <vector>

#include "gossip/tls_record.hpp"

using gossip::tls_record::check_client_hello;

namespace {

std::vector<uint8_t> hello(size_t len) {
  std::vector<uint8_t> r{
      22, 3, 1, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len & 0xff), 1};
  r.resize(5 + len, 0);
  return r;
}

} // namespace

TEST(TlsRecord, AClientHelloRecordPasses) {
  auto r = hello(512);
  auto v = check_client_hello(r.data(), r.size());
  EXPECT_TRUE(v.problem.empty()) << v.problem;
  EXPECT_EQ(v.record_size, 517u);
}

TEST(TlsRecord, ItsBeginningIsNotYetWrong) {
  auto r = hello(512);
  for (size_t n = 0; n < 5; ++n) {
    auto v = check_client_hello(r.data(), n);
    EXPECT_TRUE(v.problem.empty()) << n;
    EXPECT_EQ(v.record_size, 0u) << "header incomplete at " << n;
  }
  EXPECT_EQ(check_client_hello(r.data(), 5).record_size, 517u);
}

TEST(TlsRecord, WhatIsNotAClientHelloIsRefusedEarly) {
  uint8_t basp[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}; // a plaintext BASP header
  EXPECT_FALSE(check_client_hello(basp, 1).problem.empty());
  uint8_t http[] = {'G', 'E', 'T', ' '};
  EXPECT_FALSE(check_client_hello(http, 4).problem.empty());
  uint8_t not_tls[] = {22, 2};
  EXPECT_FALSE(check_client_hello(not_tls, 2).problem.empty());
  uint8_t future[] = {22, 3, 9};
  EXPECT_FALSE(check_client_hello(future, 3).problem.empty());
  uint8_t empty[] = {22, 3, 1, 0, 0};
  EXPECT_FALSE(check_client_hello(empty, 5).problem.empty());
  uint8_t huge[] = {22, 3, 1, 0xff, 0xff};
  EXPECT_FALSE(check_client_hello(huge, 5).problem.empty()) << "more than 16 KiB";
  auto server_hello = hello(100);
  server_hello[5] = 2;
  EXPECT_FALSE(
      check_client_hello(server_hello.data(), server_hello.size()).problem.empty());
}
