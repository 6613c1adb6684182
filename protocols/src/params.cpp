#include "gossip/params.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace gossip {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& value,
                      const char* what) {
  throw std::invalid_argument("invalid value '" + value + "' for --" + key +
                              ": expected " + what);
}

uint64_t parse_uint(const std::string& key, const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    bad(key, s, "a non-negative integer");
  errno = 0;
  auto v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE)
    bad(key, s, "a smaller integer");
  return v;
}

double parse_double(const std::string& key, const std::string& s) {
  char* end = nullptr;
  auto v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    bad(key, s, "a finite number");
  return v;
}

bool parse_bool(const std::string& key, const std::string& s) {
  if (s.empty() || s == "true" || s == "1")
    return true;
  if (s == "false" || s == "0")
    return false;
  bad(key, s, "true or false");
}

} // namespace

// The user's scoped key, the user's plain key, then the same in the defaults:
// a user's --fanout beats a preset's probabilistic.fanout.
const std::string* params::find(const std::string& key) const {
  auto scoped_key = scope_.empty() ? std::string{} : scope_ + "." + key;
  if (!scope_.empty()) {
    if (auto i = map_.find(scoped_key); i != map_.end()) {
      read_->insert(scoped_key);
      return &i->second;
    }
  }
  read_->insert(key);
  if (auto i = map_.find(key); i != map_.end())
    return &i->second;
  if (!scope_.empty())
    if (auto i = defaults_.find(scoped_key); i != defaults_.end())
      return &i->second;
  auto i = defaults_.find(key);
  return i == defaults_.end() ? nullptr : &i->second;
}

params params::scoped(const std::string& name) const {
  auto result = *this;
  result.scope_ = name;
  return result;
}

std::string params::get_string(const std::string& key,
                               const std::string& fallback) const {
  auto v = find(key);
  return v ? *v : fallback;
}

uint64_t params::get_uint(const std::string& key, uint64_t fallback) const {
  auto v = find(key);
  return v ? parse_uint(key, *v) : fallback;
}

double params::get_double(const std::string& key, double fallback) const {
  auto v = find(key);
  return v ? parse_double(key, *v) : fallback;
}

std::vector<std::string> params::get_list(const std::string& key) const {
  std::vector<std::string> result;
  auto text = get_string(key, "");
  size_t start = 0;
  while (start < text.size()) {
    auto end = std::min(text.find(',', start), text.size());
    if (end > start)
      result.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return result;
}

bool params::get_bool(const std::string& key, bool fallback) const {
  auto v = find(key);
  return v ? parse_bool(key, *v) : fallback;
}

std::string params::get_string(const param_spec& p) const {
  return get_string(p.name, p.fallback);
}

uint64_t params::get_uint(const param_spec& p) const {
  auto v = find(p.name);
  auto x = parse_uint(p.name, v ? *v : p.fallback);
  if (x < p.min)
    throw std::invalid_argument("--" + std::string{p.name} + " must be at least " +
                                std::to_string(p.min));
  return x;
}

double params::get_double(const param_spec& p) const {
  auto v = find(p.name);
  return parse_double(p.name, v ? *v : p.fallback);
}

bool params::get_bool(const param_spec& p) const {
  auto v = find(p.name);
  return parse_bool(p.name, v ? *v : (*p.fallback ? p.fallback : "false"));
}

std::set<std::string> params::unused() const {
  std::set<std::string> result;
  for (auto& kv : map_)
    if (read_->count(kv.first) == 0)
      result.insert(kv.first);
  return result;
}

} // namespace gossip
