// Protocol parameters: a flat name -> text map, parsed on demand with a clear
// error (std::invalid_argument naming the parameter) for a bad value. A key
// may be scoped to one protocol: "probabilistic.fanout" beats "fanout" for the
// probabilistic protocol and leaves the others alone. Below what the user
// gave lies a layer of defaults (a preset): read when the user gave nothing,
// never reported as unused.
//
// Each parameter is declared once, as a param_spec in its protocol's file:
// name, default and help text. Help, parsing and the README's table all
// come from those specs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace gossip {

struct param_spec {
  const char* name;
  /// What the value looks like ("N", "P", "MODE"); "" for a flag.
  const char* hint;
  /// The default, as text; "" for none.
  const char* fallback;
  const char* help;
  /// get_uint(spec) refuses smaller values.
  uint64_t min = 0;
};

class params {
public:
  params() = default;
  params(std::initializer_list<std::pair<const std::string, std::string>> xs)
      : map_(xs) {}

  void set(const std::string& key, std::string value) { map_[key] = std::move(value); }
  /// A default below what the user gave (a preset's value).
  void set_default(const std::string& key, std::string value) {
    defaults_[key] = std::move(value);
  }
  /// Given by the user (scoped or plain)? Does not count as a read.
  bool has(const std::string& key) const {
    return map_.count(key) > 0 || (!scope_.empty() && map_.count(scope_ + "." + key) > 0);
  }

  /// Typed getters: the default when absent, std::invalid_argument when bad.
  std::string get_string(const std::string& key, const std::string& fallback) const;
  uint64_t get_uint(const std::string& key, uint64_t fallback) const;
  double get_double(const std::string& key, double fallback) const;
  /// A comma-separated list, empty items dropped ("a,,b" -> {"a", "b"}).
  std::vector<std::string> get_list(const std::string& key) const;
  /// "true"/"false"/"1"/"0"/"" (a bare flag means true).
  bool get_bool(const std::string& key, bool fallback) const;

  /// The same, with the spec's default.
  std::string get_string(const param_spec& p) const;
  uint64_t get_uint(const param_spec& p) const;
  double get_double(const param_spec& p) const;
  bool get_bool(const param_spec& p) const;

  /// Keys present but never read by a getter (through any scoped view):
  /// typos a caller may report.
  std::set<std::string> unused() const;

  /// The same parameters as seen by protocol `name`: scoped keys first.
  params scoped(const std::string& name) const;

  const std::map<std::string, std::string>& items() const { return map_; }

private:
  const std::string* find(const std::string& key) const;

  std::map<std::string, std::string> map_;
  std::map<std::string, std::string> defaults_;
  std::string scope_;
  std::shared_ptr<std::set<std::string>> read_ =
      std::make_shared<std::set<std::string>>();
};

} // namespace gossip
