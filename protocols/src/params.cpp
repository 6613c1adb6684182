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

} // namespace

const std::string* params::find(const std::string& key) const {
  if (!scope_.empty()) {
    auto scoped_key = scope_ + "." + key;
    if (auto i = map_.find(scoped_key); i != map_.end()) {
      read_->insert(scoped_key);
      return &i->second;
    }
  }
  read_->insert(key);
  auto i = map_.find(key);
  return i == map_.end() ? nullptr : &i->second;
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
  auto found = find(key);
  if (!found)
    return fallback;
  auto& s = *found;
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    bad(key, s, "a non-negative integer");
  errno = 0;
  auto v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE)
    bad(key, s, "a smaller integer");
  return v;
}

double params::get_double(const std::string& key, double fallback) const {
  auto found = find(key);
  if (!found)
    return fallback;
  auto& s = *found;
  char* end = nullptr;
  auto v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    bad(key, s, "a finite number");
  return v;
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
  auto found = find(key);
  if (!found)
    return fallback;
  auto& s = *found;
  if (s.empty() || s == "true" || s == "1")
    return true;
  if (s == "false" || s == "0")
    return false;
  bad(key, s, "true or false");
}

std::set<std::string> params::unused() const {
  std::set<std::string> result;
  for (auto& kv : map_)
    if (read_->count(kv.first) == 0)
      result.insert(kv.first);
  return result;
}

} // namespace gossip
