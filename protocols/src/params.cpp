#include "gossip/params.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace gossip {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& value, const char* what) {
  throw std::invalid_argument("invalid value '" + value + "' for --" + key + ": expected "
                              + what);
}

} // namespace

std::string params::get_string(const std::string& key, const std::string& fallback) const {
  read_.insert(key);
  auto i = map_.find(key);
  return i == map_.end() ? fallback : i->second;
}

uint64_t params::get_uint(const std::string& key, uint64_t fallback) const {
  read_.insert(key);
  auto i = map_.find(key);
  if (i == map_.end())
    return fallback;
  auto& s = i->second;
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    bad(key, s, "a non-negative integer");
  errno = 0;
  auto v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE)
    bad(key, s, "a smaller integer");
  return v;
}

double params::get_double(const std::string& key, double fallback) const {
  read_.insert(key);
  auto i = map_.find(key);
  if (i == map_.end())
    return fallback;
  auto& s = i->second;
  char* end = nullptr;
  auto v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    bad(key, s, "a finite number");
  return v;
}

bool params::get_bool(const std::string& key, bool fallback) const {
  read_.insert(key);
  auto i = map_.find(key);
  if (i == map_.end())
    return fallback;
  auto& s = i->second;
  if (s.empty() || s == "true" || s == "1")
    return true;
  if (s == "false" || s == "0")
    return false;
  bad(key, s, "true or false");
}

std::set<std::string> params::unused() const {
  std::set<std::string> result;
  for (auto& kv : map_)
    if (read_.count(kv.first) == 0)
      result.insert(kv.first);
  return result;
}

} // namespace gossip
