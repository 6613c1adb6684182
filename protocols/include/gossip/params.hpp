// Protocol parameters: a flat name -> text map, parsed on demand with a clear
// error (std::invalid_argument naming the parameter) for a bad value.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace gossip {

class params {
public:
  params() = default;
  params(std::initializer_list<std::pair<const std::string, std::string>> xs) : map_(xs) {}

  void set(const std::string& key, std::string value) { map_[key] = std::move(value); }
  bool has(const std::string& key) const { return map_.count(key) > 0; }

  /// Typed getters: the default when absent, std::invalid_argument when bad.
  std::string get_string(const std::string& key, const std::string& fallback) const;
  uint64_t get_uint(const std::string& key, uint64_t fallback) const;
  double get_double(const std::string& key, double fallback) const;
  /// "true"/"false"/"1"/"0"/"" (a bare flag means true).
  bool get_bool(const std::string& key, bool fallback) const;

  /// Keys present but never read by a getter: typos a caller may report.
  std::set<std::string> unused() const;

  const std::map<std::string, std::string>& items() const { return map_; }

private:
  std::map<std::string, std::string> map_;
  mutable std::set<std::string> read_;
};

} // namespace gossip
