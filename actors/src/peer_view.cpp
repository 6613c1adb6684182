#include "gossip/peer_view.hpp"

#include <algorithm>

#include "gossip/sampler.hpp"

namespace gossip {

void peer_view::share(directory_ptr dir) {
  dir_ = std::move(dir);
  own_.clear();
}

void peer_view::assign(const std::vector<std::string>& names) {
  dir_.reset();
  own_.clear();
  for (auto& n : names)
    add(n);
}

void peer_view::make_own() {
  if (!dir_)
    return;
  own_ = dir_->names;
  own_.erase(std::remove(own_.begin(), own_.end(), self_), own_.end());
  dir_.reset();
}

bool peer_view::contains(const std::string& name) const {
  if (dir_)
    return dir_->find(name) != directory::npos;
  // Natural order may call distinct names equivalent ("01", "1"): compare exactly.
  return std::find(own_.begin(), own_.end(), name) != own_.end();
}

bool peer_view::add(const std::string& name) {
  if (name == self_ || contains(name))
    return false;
  make_own();
  own_.insert(std::upper_bound(own_.begin(), own_.end(), name, natural_less), name);
  return true;
}

bool peer_view::remove(const std::string& name) {
  if (name == self_ || !contains(name))
    return false;
  make_own();
  own_.erase(std::find(own_.begin(), own_.end(), name));
  return true;
}

} // namespace gossip
