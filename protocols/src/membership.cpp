#include "gossip/membership.hpp"

#include <algorithm>
#include <tuple>

namespace gossip {

const char* to_string(member_status x) {
  switch (x) {
  case member_status::alive:
    return "alive";
  case member_status::suspect:
    return "suspect";
  case member_status::dead:
    return "dead";
  case member_status::left:
    return "left";
  }
  return "unknown";
}

bool supersedes(const member_update& u, uint64_t incarnation, member_status status) {
  return u.incarnation > incarnation ||
         (u.incarnation == incarnation && u.status > static_cast<uint8_t>(status));
}

// The same news with the address we lacked (it was passed on to us before
// the sender had verified it): taken, and news again only for a live member,
// which can now be reached.
bool member_table::fills_address(const member_update& u, member_update& m) {
  if (!m.address.empty() || u.address.empty() || u.incarnation != m.incarnation ||
      u.status != m.status)
    return false;
  m.address = u.address;
  return m.state() == member_status::alive;
}

// The table changed; a member moved from `before` to `after` (the same for
// an address filled in). Returns true, what apply() reports.
bool member_table::changed(member_status before, member_status after) {
  ++version_;
  if (before != after) {
    if (static_cast<size_t>(before) < 4)
      --counts_[static_cast<size_t>(before)];
    if (static_cast<size_t>(after) < 4)
      ++counts_[static_cast<size_t>(after)];
  }
  return true;
}

bool member_table::apply(const member_update& u, bool& was_known, member_status& before) {
  auto i = members_.find(u.name);
  was_known = i != members_.end();
  if (!was_known) {
    members_.emplace(u.name, u);
    ++version_;
    if (static_cast<size_t>(u.status) < 4)
      ++counts_[u.status];
    return true;
  }
  auto& m = i->second;
  before = m.state();
  if (!supersedes(u, m.incarnation, m.state())) {
    // An address filled in is a change (a suspect's too, which is no news).
    bool lacked = m.address.empty();
    bool news = fills_address(u, m);
    if (lacked && !m.address.empty())
      changed(before, before);
    return news;
  }
  auto address = m.address;
  auto meta = m.meta;
  m = u;
  // A suspicion or death report need not carry the address and labels.
  if (m.address.empty())
    m.address = std::move(address);
  if (m.meta.empty())
    m.meta = std::move(meta);
  return changed(before, m.state());
}

const member_update* member_table::find(const std::string& name) const {
  auto i = members_.find(name);
  return i != members_.end() ? &i->second : nullptr;
}

std::vector<std::string>
member_table::names(std::initializer_list<member_status> states) const {
  std::vector<std::string> result;
  for (auto& [name, m] : members_)
    if (std::find(states.begin(), states.end(), m.state()) != states.end())
      result.push_back(name);
  return result;
}

void broadcast_queue::push(member_update u, bool urgent) {
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const item& x) { return x.update.name == u.name; }),
               items_.end());
  items_.push_back(item{std::move(u), 0, urgent, next_seq_++});
}

std::vector<member_update> broadcast_queue::take(size_t max, size_t limit) {
  std::sort(items_.begin(), items_.end(), [](const item& a, const item& b) {
    return std::make_tuple(!a.urgent, a.sent, b.seq) <
           std::make_tuple(!b.urgent, b.sent, a.seq);
  });
  std::vector<member_update> result;
  for (size_t i = 0; i < items_.size() && result.size() < max; ++i) {
    result.push_back(items_[i].update);
    ++items_[i].sent;
  }
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const item& x) { return x.sent >= limit; }),
               items_.end());
  return result;
}

} // namespace gossip
