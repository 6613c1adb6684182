#include "gossip/partial_view.hpp"

#include <algorithm>

#include "gossip/address.hpp"

namespace gossip {

namespace {

auto named(const std::string& name) {
  return [&name](const hv_peer& x) { return x.name == name; };
}

const hv_peer* find_in(const std::vector<hv_peer>& xs, const std::string& name) {
  auto i = std::find_if(xs.begin(), xs.end(), named(name));
  return i == xs.end() ? nullptr : &*i;
}

bool erase_from(std::vector<hv_peer>& xs, const std::string& name) {
  auto i = std::find_if(xs.begin(), xs.end(), named(name));
  if (i == xs.end())
    return false;
  xs.erase(i);
  return true;
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<hv_peer> sample_of(const std::vector<hv_peer>& xs, size_t k, rng_type& rng,
                               const std::vector<std::string>& except) {
  std::vector<hv_peer> result;
  for (auto& x : xs)
    if (!listed(except, x.name))
      result.push_back(x);
  std::shuffle(result.begin(), result.end(), rng);
  result.resize(std::min(k, result.size()));
  return result;
}

} // namespace

std::string validate(const hv_peer& x, const limits& lim) {
  if (auto err = check_name(x.name, lim); !err.empty())
    return "peer entry: " + err;
  if (x.address.empty())
    return {};
  if (x.address.size() > lim.max_name_bytes || !parse_host_port(x.address))
    return "peer entry with a malformed address";
  return {};
}

const hv_peer* partial_views::find_active(const std::string& name) const {
  return find_in(active_, name);
}

const hv_peer* partial_views::find_passive(const std::string& name) const {
  return find_in(passive_, name);
}

partial_views::added partial_views::add_active(const hv_peer& x, rng_type& rng,
                                               const std::vector<std::string>& extra) {
  added result;
  if (x.name == self_ || find_active(x.name) || active_max_ == 0)
    return result;
  auto is_extra = [&](const std::string& name) {
    return std::find(extra.begin(), extra.end(), name) != extra.end();
  };
  std::vector<size_t> counted;
  for (size_t i = 0; i < active_.size(); ++i)
    if (!is_extra(active_[i].name))
      counted.push_back(i);
  if (!is_extra(x.name) && counted.size() >= active_max_) {
    auto i = counted[uniform_index(rng, counted.size())];
    result.evicted = active_[i];
    active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  erase_from(passive_, x.name);
  erase_from(lost_, x.name);
  active_.push_back(x);
  if (result.evicted)
    add_passive(*result.evicted, rng);
  result.is_new = true;
  return result;
}

std::optional<hv_peer> partial_views::remove_active(const std::string& name) {
  auto x = find_active(name);
  if (!x)
    return std::nullopt;
  auto copy = *x;
  erase_from(active_, name);
  return copy;
}

bool partial_views::excluded(const std::string& name) const {
  return name == self_ || find_active(name) || find_passive(name);
}

void partial_views::add_passive(const hv_peer& x, rng_type& rng,
                                std::vector<std::string>* prefer) {
  if (auto i = std::find_if(passive_.begin(), passive_.end(), named(x.name));
      i != passive_.end() && i->address.empty()) {
    i->address = x.address;
    return;
  }
  if (excluded(x.name) || passive_max_ == 0)
    return;
  if (passive_.size() >= passive_max_) {
    // Dropping what we just sent away loses nothing: the peer we sent it to
    // keeps it.
    bool dropped = false;
    while (prefer && !prefer->empty() && !dropped) {
      dropped = erase_from(passive_, prefer->back());
      prefer->pop_back();
    }
    if (!dropped)
      passive_.erase(passive_.begin() +
                     static_cast<std::ptrdiff_t>(uniform_index(rng, passive_.size())));
  }
  erase_from(lost_, x.name);
  passive_.push_back(x);
}

bool partial_views::remove_passive(const std::string& name) {
  return erase_from(passive_, name);
}

void partial_views::merge(const std::vector<hv_peer>& entries,
                          std::vector<std::string> sent, rng_type& rng) {
  for (auto& x : entries)
    add_passive(x, rng, &sent);
}

void partial_views::add_lost(const hv_peer& x) {
  if (x.name == self_ || find_active(x.name) || passive_max_ == 0)
    return;
  erase_from(passive_, x.name);
  erase_from(lost_, x.name);
  if (lost_.size() >= passive_max_)
    lost_.erase(lost_.begin());
  lost_.push_back(x);
}

std::vector<hv_peer>
partial_views::sample_active(size_t k, rng_type& rng,
                             const std::vector<std::string>& except) const {
  return sample_of(active_, k, rng, except);
}

std::vector<hv_peer>
partial_views::sample_passive(size_t k, rng_type& rng,
                              const std::vector<std::string>& except) const {
  return sample_of(passive_, k, rng, except);
}

} // namespace gossip
