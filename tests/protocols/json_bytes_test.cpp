// The rule that keeps JSON output valid UTF-8 without losing a byte
// (gossip/json_bytes.hpp): UTF-8 validation, base64, and the renaming.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gossip/json_bytes.hpp"

using namespace gossip;

TEST(JsonBytes, Utf8AcceptsWellFormedText) {
  for (const std::string& s :
       std::vector<std::string>{"", "plain", "\x01\x1f\"\\", "\xE2\x82\xAC",
                                "\xC3\xA9t\xC3\xA9", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF",
                                "\xF4\x8F\xBF\xBF", std::string{"nul\0in", 6}})
    EXPECT_TRUE(valid_utf8(s)) << s;
}

TEST(JsonBytes, Utf8RejectsMalformedBytes) {
  for (std::string s :
       {"\x80", "\xff", "\xC0\x80", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80",
        "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xE2\x82",
        "\xE2\x28\xA1", "ok\xC3", "\xF0\x9F\x98"})
    EXPECT_FALSE(valid_utf8(s)) << testing::PrintToString(s);
}

TEST(JsonBytes, Base64IsRfc4648) {
  // RFC 4648, section 10.
  std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, coded] : vectors) {
    EXPECT_EQ(base64_encode(plain), coded);
    EXPECT_EQ(base64_decode(coded), std::optional<std::string>{plain});
  }
  EXPECT_EQ(base64_encode("\xff\xfe"), "//4=");
  std::string all;
  for (int c = 0; c < 256; ++c)
    all += static_cast<char>(c);
  EXPECT_EQ(base64_decode(base64_encode(all)), std::optional<std::string>{all});
}

TEST(JsonBytes, Base64RejectsWhatIsNotPaddedBase64) {
  for (auto s : {"Zg", "Zg=", "Z===", "====", "=Zg=", "Zg==Zg==", "Zm9v!A==", "Zm 9v",
                 "Zm9v\n", "Zm-_"})
    EXPECT_FALSE(base64_decode(s)) << s;
}

TEST(JsonBytes, OnlyStringsThatAreNotUtf8AreRenamed) {
  nlohmann::ordered_json j{{"name", "n\xff"},
                           {"ok", "caf\xC3\xA9"},
                           {"n", 3},
                           {"nested", {{"value", "\x80"}, {"keep", true}}},
                           {"missing", {"a", "\xfe", "b"}}};
  encode_bytes(j);
  auto line = j.dump(); // strict: throws if anything is left that is not UTF-8
  EXPECT_EQ(line, R"({"name_base64":"bv8=","ok":"café","n":3,)"
                  R"("nested":{"value_base64":"gA==","keep":true},)"
                  R"("missing":["a",{"base64":"/g=="},"b"]})");
}

TEST(JsonBytes, DecodeFieldReadsEitherSpelling) {
  auto j = nlohmann::json::parse(R"({"a":"x","b_base64":"/w==","c_base64":"/w=","d":1})");
  bool ok = true;
  EXPECT_EQ(decode_field(j, "a", ok), std::optional<std::string>{"x"});
  EXPECT_EQ(decode_field(j, "b", ok), std::optional<std::string>{"\xff"});
  EXPECT_FALSE(decode_field(j, "absent", ok));
  EXPECT_TRUE(ok);
  EXPECT_FALSE(decode_field(j, "c", ok));
  EXPECT_FALSE(ok);
  ok = true;
  EXPECT_FALSE(decode_field(j, "d", ok));
  EXPECT_FALSE(ok);
}
