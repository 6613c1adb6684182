// Plumtree's neighbours and the state of their links (plumtree_impl.hpp).
#include <algorithm>

#include "gossip/sampler.hpp"
#include "plumtree_impl.hpp"

namespace gossip::plumtree_detail {

bool in_view(const std::vector<std::string>& view, const std::string& name) {
  auto [lo, hi] = std::equal_range(view.begin(), view.end(), name, natural_less);
  return std::find(lo, hi, name) != hi;
}

void links::refresh(port& p) {
  auto& view = p.peers();
  // A lost peer that left the view and comes back is a new link.
  for (auto i = lost_.begin(); i != lost_.end();)
    i = in_view(view, *i) ? std::next(i) : lost_.erase(i);
  auto gone = [&](const std::string& x) {
    if (in_view(view, x))
      return false;
    lazy_.erase(x);
    return true;
  };
  neighbours_.erase(std::remove_if(neighbours_.begin(), neighbours_.end(), gone),
                    neighbours_.end());
  fill(p);
  trim();
}

void links::make_eager(const port& p, const std::string& x) {
  lazy_.erase(x);
  // However many members pick us, at most 2 * fanout links are kept.
  if (neighbours_.size() < 2 * fanout_ && eligible(p, x) && in_view(p.peers(), x))
    neighbours_.push_back(x);
}

void links::make_lazy(const std::string& x) {
  if (neighbour(x))
    lazy_.insert(x);
  trim();
}

void links::trim() {
  for (auto i = lazy_.begin(); neighbours_.size() > fanout_ && i != lazy_.end();) {
    neighbours_.erase(std::remove(neighbours_.begin(), neighbours_.end(), *i),
                      neighbours_.end());
    i = lazy_.erase(i);
  }
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
  lost_.insert(x);
}

bool links::eligible(const port& p, const std::string& x) const {
  return x != p.self() && lost_.count(x) == 0 && !neighbour(x);
}

void links::fill(port& p) {
  auto& view = p.peers();
  if (neighbours_.size() >= fanout_)
    return;
  // A partial view (or a small cluster) is used whole, in its own order.
  if (view.size() <= fanout_) {
    for (auto& x : view)
      if (neighbours_.size() < fanout_ && eligible(p, x))
        neighbours_.push_back(x);
    return;
  }
  // Full membership: a random subset, kept as long as its members stay,
  // so that the tree built over it lasts. Tries are bounded; a slot left
  // open is filled at the next refresh.
  for (size_t tries = 8 * fanout_; tries > 0 && neighbours_.size() < fanout_; --tries)
    if (auto& x = view[uniform_index(p.rng(), view.size())]; eligible(p, x))
      neighbours_.push_back(x);
}

} // namespace gossip::plumtree_detail
