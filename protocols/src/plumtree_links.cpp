// Plumtree's neighbours and the state of their links (plumtree_impl.hpp).
#include <algorithm>

#include "gossip/sampler.hpp"
#include "plumtree_impl.hpp"

namespace gossip::plumtree_detail {

bool in_view(const std::vector<std::string>& view, const std::string& name) {
  auto [lo, hi] = std::equal_range(view.begin(), view.end(), name, natural_less);
  return std::find(lo, hi, name) != hi;
}

std::vector<std::string> links::refresh(port& p) {
  auto& view = p.peers();
  // A lost peer that left the view and comes back is a new link.
  for (auto i = lost_.begin(); i != lost_.end();)
    i = in_view(view, *i) ? std::next(i) : lost_.erase(i);
  auto gone = [&](const std::string& x) {
    if (in_view(view, x))
      return false;
    lazy_.erase(x);
    adopted_.erase(x);
    return true;
  };
  neighbours_.erase(std::remove_if(neighbours_.begin(), neighbours_.end(), gone),
                    neighbours_.end());
  return fill(p);
}

bool links::adopt(const port& p, const std::string& x) {
  // Members pick us about fanout times on average (a Poisson count): 4 * fanout
  // leaves room for nearly every one, and bounds what a view can make us keep.
  if (adopted_.size() >= 4 * fanout_ || !eligible(p, x) || !in_view(p.peers(), x))
    return false;
  neighbours_.push_back(x);
  adopted_.insert(x);
  return true;
}

void links::make_eager(const port& p, const std::string& x) {
  lazy_.erase(x);
  adopt(p, x);
}

void links::make_lazy(const port& p, const std::string& x) {
  if (neighbour(x))
    lazy_.insert(x);
  else
    adopt_lazy(p, x);
}

void links::adopt_lazy(const port& p, const std::string& x) {
  if (adopt(p, x))
    lazy_.insert(x);
}

bool links::neighbour(const std::string& x) const {
  return std::find(neighbours_.begin(), neighbours_.end(), x) != neighbours_.end();
}

std::vector<std::string> links::eager() const {
  std::vector<std::string> result;
  for (auto& x : neighbours_)
    if (lazy_.count(x) == 0)
      result.push_back(x);
  return result;
}

std::vector<std::string> links::lazy() const {
  return {lazy_.begin(), lazy_.end()};
}

void links::lost(const std::string& x) {
  neighbours_.erase(std::remove(neighbours_.begin(), neighbours_.end(), x),
                    neighbours_.end());
  lazy_.erase(x);
  adopted_.erase(x);
  lost_.insert(x);
}

bool links::eligible(const port& p, const std::string& x) const {
  return x != p.self() && lost_.count(x) == 0 && !neighbour(x);
}

std::vector<std::string> links::fill(port& p) {
  auto& view = p.peers();
  std::vector<std::string> picked;
  if (picks() >= fanout_)
    return picked;
  // A partial view (or a small cluster) is used whole, in its own order.
  if (view.size() <= fanout_) {
    for (auto& x : view)
      if (picks() < fanout_ && eligible(p, x))
        neighbours_.push_back(x);
    return picked;
  }
  // Full membership: a random subset, kept as long as its members stay,
  // so that the tree built over it lasts. Tries are bounded; a slot left
  // open is filled at the next refresh.
  for (size_t tries = 8 * fanout_; tries > 0 && picks() < fanout_; --tries)
    if (auto& x = view[uniform_index(p.rng(), view.size())]; eligible(p, x)) {
      neighbours_.push_back(x);
      picked.push_back(x);
    }
  return picked;
}

} // namespace gossip::plumtree_detail
