// The contract's shared pieces: handler composition and the data path's
// steps every protocol takes (forward, merge, deliver).
#include "gossip/protocol.hpp"

#include <algorithm>
#include <unordered_set>

namespace gossip {

port::~port() = default;
membership_port::~membership_port() = default;
gate::~gate() = default;
protocol::~protocol() = default;

caf::message_handler handler_set::build(gate& g) const {
  caf::message_handler result;
  for (auto i = makers_.rbegin(); i != makers_.rend(); ++i)
    result = (*i)(g).or_else(result);
  return result;
}

void forward(port& p, size_t k, const caf::message& msg, const std::string& a,
             const std::string& b) {
  // Two extra picks, so that skipping a and b does not cost fanout.
  size_t sent = 0;
  for (auto& peer : p.sample(k + 2)) {
    if (sent == k || peer == a || peer == b)
      continue;
    p.send(peer, msg, carries::update);
    ++sent;
  }
}

std::string check_entry(port& p, const keyed_entry& x) {
  if (auto err = validate(x, p.limits()); !err.empty())
    return err;
  auto& lim = p.limits();
  if (x.e.version >
      p.data().remote_ceiling(p.now_ms(), lim.max_version_ahead, lim.max_version_rate))
    return "version absurdly far ahead of this node's clock";
  return p.data().quota_refusal(x.key, x.e.value.size(), lim);
}

bool merge(port& p, const std::string& from, const keyed_entry& x) {
  if (!p.holds_merges())
    return merge_now(p, from, x);
  if (auto err = check_entry(p, x); !err.empty()) {
    p.count(tally::rejected_item, err);
    return false;
  }
  // Judged against the store as the round found it: two pushes of the same
  // news in one round both reach a node that did not know it.
  auto have = p.data().find(x.key);
  if (have != nullptr && !newer(x.e, *have)) {
    if (p.observed())
      p.emit(delivered_event(from, x.key, x.e));
    return false;
  }
  p.hold(from, x); // delivered (and reported) when the round ends
  return true;
}

bool merge_now(port& p, const std::string& from, const keyed_entry& x) {
  if (auto err = check_entry(p, x); !err.empty()) {
    p.count(tally::rejected_item, err);
    return false;
  }
  if (p.observed())
    p.emit(delivered_event(from, x.key, x.e));
  if (!p.data().merge(x.key, x.e, p.now_ms()))
    return false;
  p.count(tally::fresh);
  p.arrived(x.e);
  if (p.observed())
    p.emit(stored_event(x.key, *p.data().find(x.key)));
  return true;
}

std::vector<std::string> merge(port& p, const std::string& from,
                               const std::vector<keyed_entry>& entries) {
  std::vector<std::string> changed;
  std::unordered_set<std::string> once; // a key repeated in the batch changed once
  for (auto& x : entries)
    if (merge(p, from, x) && once.insert(x.key).second)
      changed.push_back(x.key);
  return changed;
}

void deliver(port& p, const std::string& from, const rumor& r) {
  if (from != p.self())
    p.count(tally::fresh); // the origin's own rumor did not arrive from outside
  if (p.observed())
    p.emit(delivered_event(from, r));
}

} // namespace gossip
