#include "gossip/probe.hpp"

#include <algorithm>

namespace gossip {

bool prober::acked(uint64_t seq, const std::string& target) {
  if (!probe_ || probe_->seq != seq || probe_->target != target)
    return false;
  probe_.reset();
  return true;
}

uint64_t prober::add_relay(relay r) {
  auto seq = next_seq();
  relays_[seq] = std::move(r);
  return seq;
}

std::optional<relay> prober::take_relay(uint64_t seq) {
  auto i = relays_.find(seq);
  if (i == relays_.end())
    return std::nullopt;
  auto r = std::move(i->second);
  relays_.erase(i);
  return r;
}

void prober::expire_relays(uint64_t round) {
  for (auto i = relays_.begin(); i != relays_.end();)
    i = i->second.expires <= round ? relays_.erase(i) : std::next(i);
}

std::string prober::next_target(const std::function<bool(const std::string&)>& live,
                                const std::function<std::vector<std::string>()>& members,
                                rng_type& rng) {
  for (int pass = 0; pass < 2; ++pass) {
    while (pos_ < order_.size()) {
      auto& name = order_[pos_++];
      if (live(name))
        return name;
    }
    order_ = members();
    std::shuffle(order_.begin(), order_.end(), rng);
    pos_ = 0;
  }
  return {};
}

} // namespace gossip
