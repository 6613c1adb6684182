// JSON output that is valid UTF-8 whatever bytes a key, value or name holds,
// without losing one. The rule (README, "JSON output"): a string field whose
// bytes are valid UTF-8 is written as a JSON string under its own name
// (nlohmann-json escapes quotes, backslashes and control characters); one
// that is not is written base64-encoded (RFC 4648, padded) under the name
// with "_base64" appended, and the plain field is absent. In an array such a
// string becomes {"base64": "..."}. Object keys are always our own names.
//
// Templates over the JSON type, so this header pulls in no JSON library: the
// callers (event.cpp, counters, the apps' output) already have nlohmann-json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gossip {

/// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, at most
/// U+10FFFF.
bool valid_utf8(std::string_view bytes);

std::string base64_encode(std::string_view bytes);

/// nullopt unless `text` is padded base64 of the standard alphabet.
std::optional<std::string> base64_decode(std::string_view text);

inline constexpr std::string_view base64_suffix = "_base64";

/// Applies the rule above to every string in `j`, recursively.
template <class Json> void encode_bytes(Json& j) {
  auto bad = [](const Json& v) {
    return v.is_string() && !valid_utf8(v.template get_ref<const std::string&>());
  };
  auto b64 = [](const Json& v) {
    return base64_encode(v.template get_ref<const std::string&>());
  };
  if (j.is_array()) {
    for (auto& v : j) {
      if (bad(v))
        v = Json{{"base64", b64(v)}};
      else
        encode_bytes(v);
    }
    return;
  }
  if (!j.is_object())
    return;
  bool rename = false;
  for (auto& item : j.items())
    rename = rename || bad(item.value());
  if (!rename) {
    for (auto& item : j.items())
      encode_bytes(item.value());
    return;
  }
  // Rebuilt, so that the renamed field keeps its place in the order.
  auto out = Json::object();
  for (auto& item : j.items()) {
    if (bad(item.value())) {
      out[item.key() + std::string{base64_suffix}] = b64(item.value());
    } else {
      encode_bytes(item.value());
      out[item.key()] = std::move(item.value());
    }
  }
  j = std::move(out);
}

/// Reads string field `name` of object `j` under either spelling of the
/// rule. Absent: nullopt and `ok` untouched; of the wrong type or not
/// base64: nullopt and `ok` = false.
template <class Json>
std::optional<std::string> decode_field(const Json& j, const std::string& name,
                                        bool& ok) {
  if (auto i = j.find(name); i != j.end()) {
    if (i->is_string())
      return i->template get<std::string>();
    ok = false;
    return std::nullopt;
  }
  auto i = j.find(name + std::string{base64_suffix});
  if (i == j.end())
    return std::nullopt;
  std::optional<std::string> bytes;
  if (i->is_string())
    bytes = base64_decode(i->template get_ref<const std::string&>());
  ok = ok && bytes.has_value();
  return bytes;
}

} // namespace gossip
