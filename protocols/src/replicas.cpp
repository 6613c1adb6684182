#include "gossip/replicas.hpp"

#include <algorithm>
#include <tuple>

namespace gossip {

namespace {

std::string check_names(const std::vector<std::string>& names, const limits& lim,
                        const char* what) {
  if (names.size() > lim.max_members)
    return std::string{"more than "} + std::to_string(lim.max_members) + " " + what;
  for (auto& n : names)
    if (auto err = check_name(n, lim); !err.empty())
      return std::string{what} + ": " + err;
  return {};
}

std::string check_key(const std::string& key, const limits& lim) {
  if (key.empty() || key.size() > lim.max_key_bytes)
    return "key empty or longer than " + std::to_string(lim.max_key_bytes) + " bytes";
  return {};
}

} // namespace

std::string validate(const write_level& x, const limits& lim) {
  if (x.replicas == 0)
    return "replicas must be at least 1";
  if (x.replicas != write_level::majority && x.replicas != write_level::all &&
      x.replicas > lim.max_members)
    return "more replicas than the " + std::to_string(lim.max_members) +
           " members a cluster may have";
  if (x.timeout_ms == 0 || x.timeout_ms > lim.max_wait_ms)
    return "a timeout of 1 to " + std::to_string(lim.max_wait_ms) + " ms";
  return {};
}

std::optional<uint32_t> parse_replicas(const std::string& text) {
  if (text == "majority")
    return write_level::majority;
  if (text == "all")
    return write_level::all;
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto k = static_cast<uint32_t>(std::stoul(text));
  return k == 0 ? std::nullopt : std::optional<uint32_t>{k};
}

std::string replicas_text(uint32_t replicas) {
  if (replicas == write_level::majority)
    return "majority";
  if (replicas == write_level::all)
    return "all";
  return std::to_string(replicas);
}

uint32_t needed_replicas(uint32_t replicas, size_t live) {
  auto n = static_cast<uint32_t>(std::max<size_t>(live, 1));
  if (replicas == write_level::majority)
    return n / 2 + 1;
  if (replicas == write_level::all)
    return n;
  return replicas;
}

std::string validate(const replica_write& m, const limits& lim) {
  return check_name(m.from, lim);
}

std::string validate(const held_query& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), check_key(m.key, lim));
}

std::string validate(const held& m, const limits& lim) {
  if (auto err = first_problem(check_name(m.from, lim), check_key(m.item.key, lim));
      !err.empty())
    return err;
  if (m.item.origin.size() > lim.max_name_bytes)
    return "held: origin longer than " + std::to_string(lim.max_name_bytes) + " bytes";
  return {};
}

std::string validate(const view_query& m, const limits& lim) {
  return check_name(m.from, lim);
}

std::string validate(const view_digest& m, const limits& lim) {
  return check_name(m.from, lim);
}

std::string validate(const hold_report& r, const limits& lim) {
  return check_names(r.missing, lim, "missing members");
}

std::string validate(const view_report& r, const limits& lim) {
  return first_problem(check_names(r.differing, lim, "differing members"),
                       check_names(r.silent, lim, "silent members"));
}

bool at_least(const digest_item& a, const digest_item& b) {
  return a.key == b.key && std::tie(a.version, a.origin) >= std::tie(b.version, b.origin);
}

digest_item held_item(const store& s, const std::string& key) {
  auto e = s.find(key);
  return e ? digest_item{key, e->version, e->origin} : digest_item{key, 0, {}};
}

uint64_t view_hash(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  uint64_t h = 14695981039346656037ull; // FNV-1a, 64 bits
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (auto& n : names) {
    for (char c : n)
      mix(static_cast<unsigned char>(c));
    mix(0);
  }
  return h;
}

// -- write_quorum ---------------------------------------------------------------

write_quorum::write_quorum(digest_item target, uint32_t needed, uint32_t live,
                           std::vector<std::string> candidates)
    : target_(std::move(target)), needed_(needed), live_(live),
      candidates_(std::move(candidates)) {}

std::vector<std::string> write_quorum::ask_more(size_t n) {
  auto end = asked_ + std::min(n, candidates_.size() - asked_);
  std::vector<std::string> result(candidates_.begin() + asked_,
                                  candidates_.begin() + end);
  asked_ = end;
  return result;
}

std::vector<std::string> write_quorum::unanswered() const {
  std::vector<std::string> result;
  for (size_t i = 0; i < asked_; ++i)
    if (answered_.count(candidates_[i]) == 0)
      result.push_back(candidates_[i]);
  return result;
}

bool write_quorum::answer(const std::string& from, const digest_item& item) {
  auto asked = candidates_.begin() + asked_;
  if (std::find(candidates_.begin(), asked, from) == asked)
    return false; // not handed the write: a stranger or an impostor
  answered_.insert(from);
  return at_least(item, target_) && holders_.insert(from).second;
}

bool write_quorum::hopeless() const {
  return !met() && answered_.size() == candidates_.size();
}

hold_report write_quorum::report() const {
  hold_report r{target_.version, held(), needed_, live_, {}};
  for (size_t i = 0; i < asked_; ++i)
    if (holders_.count(candidates_[i]) == 0)
      r.missing.push_back(candidates_[i]);
  return r;
}

// -- convergence ------------------------------------------------------------------

bool convergence::answer(const std::string& from, const digest_item& item) {
  return at_least(item, target_) && holders_.insert(from).second;
}

std::vector<std::string>
convergence::missing(const std::vector<std::string>& others) const {
  std::vector<std::string> result;
  for (auto& o : others)
    if (holders_.count(o) == 0)
      result.push_back(o);
  return result;
}

hold_report convergence::report(const std::vector<std::string>& others) const {
  auto live = static_cast<uint32_t>(others.size() + 1);
  auto missed = missing(others);
  auto held = live - static_cast<uint32_t>(missed.size());
  return hold_report{target_.version, held, live, live, std::move(missed)};
}

// -- agreement --------------------------------------------------------------------

std::vector<std::string> agreement::disagreeing(const std::vector<std::string>& others,
                                                uint64_t digest) const {
  std::vector<std::string> result;
  for (auto& o : others)
    if (auto d = digests_.find(o); d == digests_.end() || d->second != digest)
      result.push_back(o);
  return result;
}

view_report agreement::report(const std::vector<std::string>& others, uint32_t members,
                              uint64_t digest) const {
  view_report r{members, digest, {}, {}};
  for (auto& o : disagreeing(others, digest))
    (digests_.count(o) > 0 ? r.differing : r.silent).push_back(o);
  return r;
}

} // namespace gossip
