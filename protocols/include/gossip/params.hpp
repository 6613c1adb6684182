// Protocol parameters: a flat name -> text map, parsed on demand with a clear
// error (std::invalid_argument naming the parameter) for a bad value. A key
// may be scoped to one protocol: "probabilistic.fanout" beats "fanout" for the
// probabilistic protocol and leaves the others alone.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace gossip {

class params {
public:
  params() = default;
  params(std::initializer_list<std::pair<const std::string, std::string>> xs)
      : map_(xs) {}

  void set(const std::string& key, std::string value) { map_[key] = std::move(value); }
  /// Present (scoped or plain)? Does not count as a read.
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

  /// Keys present but never read by a getter (through any scoped view):
  /// typos a caller may report.
  std::set<std::string> unused() const;

  /// The same parameters as seen by protocol `name`: scoped keys first.
  params scoped(const std::string& name) const;

  const std::map<std::string, std::string>& items() const { return map_; }

private:
  const std::string* find(const std::string& key) const;

  std::map<std::string, std::string> map_;
  std::string scope_;
  std::shared_ptr<std::set<std::string>> read_ =
      std::make_shared<std::set<std::string>>();
};

} // namespace gossip
