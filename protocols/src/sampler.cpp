#include "gossip/sampler.hpp"

#include <algorithm>
#include <cctype>

namespace gossip {

peer_sampler::~peer_sampler() = default;

namespace {

class uniform_sampler : public peer_sampler {
public:
  std::vector<std::string> sample(const std::string&, const std::vector<std::string>& view,
                                  size_t k, rng_type& rng) override {
    k = std::min(k, view.size());
    std::vector<std::string> result;
    result.reserve(k);
    if (k * 4 <= view.size()) {
      // Few picks from a large view: draw and retry duplicates, O(k^2) not O(n).
      std::uniform_int_distribution<size_t> pick{0, view.size() - 1};
      std::vector<size_t> taken;
      while (taken.size() < k) {
        auto i = pick(rng);
        if (std::find(taken.begin(), taken.end(), i) == taken.end())
          taken.push_back(i);
      }
      for (auto i : taken)
        result.push_back(view[i]);
      return result;
    }
    // Many picks: partial Fisher-Yates over indices.
    idx_.resize(view.size());
    for (size_t i = 0; i < idx_.size(); ++i)
      idx_[i] = i;
    for (size_t i = 0; i < k; ++i) {
      std::uniform_int_distribution<size_t> pick{i, idx_.size() - 1};
      std::swap(idx_[i], idx_[pick(rng)]);
      result.push_back(view[idx_[i]]);
    }
    return result;
  }

private:
  std::vector<size_t> idx_;
};

class round_robin_sampler : public peer_sampler {
public:
  std::vector<std::string> sample(const std::string&, const std::vector<std::string>& view,
                                  size_t k, rng_type& rng) override {
    if (view != last_view_) {
      last_view_ = view;
      order_.clear();
    }
    k = std::min(k, view.size());
    std::vector<std::string> result;
    while (result.size() < k) {
      if (order_.empty()) {
        order_ = view;
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
    auto ring = view;
    std::sort(ring.begin(), ring.end(), natural_less);
    // First peer after self in ring order, wrapping around.
    auto start = std::upper_bound(ring.begin(), ring.end(), self, natural_less);
    auto pos = static_cast<size_t>(start - ring.begin());
    k = std::min(k, ring.size());
    std::vector<std::string> result;
    for (size_t i = 0; i < k; ++i)
      result.push_back(ring[(pos + i) % ring.size()]);
    return result;
  }
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

std::unique_ptr<peer_sampler> make_sampler(const std::string& name) {
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
    if (std::isdigit(static_cast<unsigned char>(a[i]))
        && std::isdigit(static_cast<unsigned char>(b[j]))) {
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
