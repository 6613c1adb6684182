#include "gossip/sampler.hpp"

#include <algorithm>
#include <cctype>

namespace gossip {

peer_sampler::~peer_sampler() = default;

namespace {

class uniform_sampler : public peer_sampler {
public:
  std::vector<std::string> sample(const std::string& self,
                                  const std::vector<std::string>& view, size_t k,
                                  rng_type& rng) override {
    pick_uniform(
        view.size(), k, rng, [&](size_t i) { return view[i] == self; }, picks_, scratch_);
    std::vector<std::string> result;
    result.reserve(picks_.size());
    for (auto i : picks_)
      result.push_back(view[i]);
    return result;
  }

private:
  std::vector<size_t> picks_;
  std::vector<size_t> scratch_;
};

class round_robin_sampler : public peer_sampler {
public:
  std::vector<std::string> sample(const std::string& self,
                                  const std::vector<std::string>& view, size_t k,
                                  rng_type& rng) override {
    if (view != last_view_) {
      last_view_ = view;
      order_.clear();
    }
    size_t others = view.size() - std::count(view.begin(), view.end(), self);
    k = std::min(k, others);
    std::vector<std::string> result;
    while (result.size() < k) {
      if (order_.empty()) {
        order_ = view;
        order_.erase(std::remove(order_.begin(), order_.end(), self), order_.end());
        std::shuffle(order_.begin(), order_.end(), rng);
      }
      auto next = std::move(order_.back());
      order_.pop_back();
      if (std::find(result.begin(), result.end(), next) == result.end())
        result.push_back(std::move(next));
    }
    return result;
  }

private:
  std::vector<std::string> last_view_;
  std::vector<std::string> order_;
};

class ring_sampler : public peer_sampler {
public:
  std::vector<std::string> sample(const std::string& self,
                                  const std::vector<std::string>& view, size_t k,
                                  rng_type&) override {
    std::vector<std::string> result;
    if (view.empty())
      return result;
    // The view is in natural order: the first peer after self, wrapping.
    auto start = std::upper_bound(view.begin(), view.end(), self, natural_less);
    auto pos = static_cast<size_t>(start - view.begin());
    for (size_t i = 0; i < view.size() && result.size() < k; ++i) {
      auto& name = view[(pos + i) % view.size()];
      if (name != self)
        result.push_back(name);
    }
    return result;
  }
};

class zone_sampler : public peer_sampler {
public:
  zone_sampler(label_lookup zone_of, double local)
      : zone_of_(std::move(zone_of)), local_(local) {}

  std::vector<std::string> sample(const std::string& self,
                                  const std::vector<std::string>& view, size_t k,
                                  rng_type& rng) override {
    auto mine = zone_of_(self);
    std::vector<std::string> near, far;
    for (auto& p : view)
      if (p != self)
        (zone_of_(p) == mine ? near : far).push_back(p);
    std::vector<std::string> result;
    while (result.size() < k && (!near.empty() || !far.empty())) {
      bool stay = far.empty() || (!near.empty() && rng.uniform() < local_);
      auto& pool = stay ? near : far;
      auto i = std::uniform_int_distribution<size_t>{0, pool.size() - 1}(rng);
      result.push_back(std::move(pool[i]));
      pool[i] = std::move(pool.back());
      pool.pop_back();
    }
    return result;
  }

private:
  label_lookup zone_of_;
  double local_;
};

} // namespace

std::unique_ptr<peer_sampler> make_uniform_sampler() {
  return std::make_unique<uniform_sampler>();
}

std::unique_ptr<peer_sampler> make_round_robin_sampler() {
  return std::make_unique<round_robin_sampler>();
}

std::unique_ptr<peer_sampler> make_ring_sampler() {
  return std::make_unique<ring_sampler>();
}

std::unique_ptr<peer_sampler> make_zone_sampler(label_lookup zone_of, double local) {
  return std::make_unique<zone_sampler>(std::move(zone_of), local);
}

std::unique_ptr<peer_sampler> make_sampler(const std::string& name, label_lookup zone_of,
                                           double local) {
  if (name == "zone" && zone_of)
    return make_zone_sampler(std::move(zone_of), local);
  if (name == "uniform")
    return make_uniform_sampler();
  if (name == "round-robin")
    return make_round_robin_sampler();
  if (name == "ring")
    return make_ring_sampler();
  return nullptr;
}

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      auto ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei])))
        ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej])))
        ++ej;
      // Compare digit runs as numbers: shorter (without leading zeros) is smaller.
      auto ni = a.find_first_not_of('0', i), nj = b.find_first_not_of('0', j);
      auto li = ei - std::min(ni, ei), lj = ej - std::min(nj, ej);
      if (li != lj)
        return li < lj;
      auto c = a.compare(ei - li, li, b, ej - lj, lj);
      if (c != 0)
        return c < 0;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j])
        return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

uint64_t derive_seed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace gossip
