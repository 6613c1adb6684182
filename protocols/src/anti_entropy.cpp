#include "gossip/anti_entropy.hpp"

#include <caf/actor_system_config.hpp>

#include <algorithm>

namespace gossip {

size_t delta_bytes(const keyed_entry& x) {
  return x.key.size() + x.e.value.size() + x.e.origin.size() + 24;
}

std::vector<keyed_entry> select_deltas(const store& data,
                                       const std::vector<origin_version>& wanted,
                                       size_t budget, size_t start) {
  // Per requested origin, its entries above the requested version, oldest first.
  std::map<std::string, uint64_t> above;
  for (auto& w : wanted)
    above[w.origin] = w.version;
  std::map<std::string, std::vector<keyed_entry>> by_origin;
  for (auto& [key, e] : data.items())
    if (auto i = above.find(e.origin); i != above.end() && e.version > i->second)
      by_origin[e.origin].push_back(keyed_entry{key, e});
  std::vector<std::vector<keyed_entry>*> queues;
  for (auto& [origin, xs] : by_origin) {
    std::sort(xs.begin(), xs.end(),
              [](auto& a, auto& b) { return a.e.version < b.e.version; });
    queues.push_back(&xs);
  }
  std::vector<keyed_entry> result;
  if (queues.empty())
    return result;
  std::vector<size_t> pos(queues.size(), 0);
  size_t used = 0;
  // Round-robin: one entry of each origin in turn. An origin whose next entry
  // does not fit is done (its prefix must stay contiguous).
  std::vector<bool> done(queues.size(), false);
  size_t open = queues.size();
  for (size_t turn = start % queues.size(); open > 0; turn = (turn + 1) % queues.size()) {
    if (done[turn])
      continue;
    auto& q = *queues[turn];
    if (pos[turn] == q.size()) {
      done[turn] = true;
      --open;
      continue;
    }
    auto bytes = delta_bytes(q[pos[turn]]);
    if (used + bytes > budget && !result.empty()) {
      done[turn] = true;
      --open;
      continue;
    }
    used += bytes;
    result.push_back(q[pos[turn]++]);
  }
  return result;
}

std::string validate(const std::vector<origin_version>& xs, const limits& lim) {
  if (auto err = check_count(xs.size(), lim, "digest items"); !err.empty())
    return err;
  for (auto& x : xs)
    if (auto err = check_name(x.origin, lim); !err.empty())
      return "digest origin: " + err;
  return {};
}

std::string validate(const ae_syn& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.digest, lim));
}

std::string validate(const ae_ack& m, const limits& lim) {
  return first_problem(check_batch(m.from, m.deltas.size(), lim),
                       validate(m.requests, lim));
}

std::string validate(const ae_ack2& m, const limits& lim) {
  return check_batch(m.from, m.deltas.size(), lim);
}

namespace {

const param_spec fanout{"fanout", "N", "1", "peers sent a digest (SYN) each round", 1};
const param_spec budget{"budget", "BYTES", "65536", "bytes of deltas per message", 1};
const param_spec gc{"gc", "N", "0", "rounds a tombstone is kept (0: forever)"};

class anti_entropy : public protocol {
public:
  explicit anti_entropy(const params& ps)
      : fanout_(ps.get_uint(fanout)), budget_(ps.get_uint(budget)), gc_(ps.get_uint(gc)) {
  }

  const char* name() const override { return "anti-entropy"; }

  void handlers(handler_set& hs) override {
    hs.on<ae_syn>([this](port& p, const ae_syn& m) { return on_syn(p, m); });
    hs.on<ae_ack>([this](port& p, const ae_ack& m) -> answer {
      learn(p, m.from, m.deltas);
      if (m.requests.empty())
        return {};
      auto deltas = select_deltas(p.data(), m.requests, budget_, p.rng()());
      if (deltas.empty())
        return {};
      return reply_with(ae_ack2{p.self(), std::move(deltas)}, carries::update);
    });
    hs.on<ae_ack2>([this](port& p, const ae_ack2& m) { learn(p, m.from, m.deltas); });
  }

  void on_round(port& p) override {
    collect_garbage(p);
    auto mine = digest(p);
    std::vector<origin_version> d;
    d.reserve(mine.size());
    for (auto& [origin, v] : mine)
      d.push_back({origin, v});
    auto msg = wire(ae_syn{p.self(), std::move(d)});
    for (auto& peer : p.sample(fanout_))
      p.send(peer, msg, carries::control);
  }

private:
  // Theirs vs ours, origin by origin: send what they lack, ask for what we lack.
  answer on_syn(port& p, const ae_syn& m) {
    auto mine = digest(p);
    std::map<std::string, uint64_t> theirs;
    for (auto& d : m.digest)
      theirs[d.origin] = std::max(theirs[d.origin], d.version);
    std::vector<origin_version> they_lack, we_lack;
    for (auto& [origin, v] : mine)
      if (auto i = theirs.find(origin); i == theirs.end() || i->second < v)
        they_lack.push_back({origin, i == theirs.end() ? 0 : i->second});
    for (auto& [origin, v] : theirs)
      if (auto i = mine.find(origin); i == mine.end() || i->second < v)
        we_lack.push_back({origin, i == mine.end() ? 0 : i->second});
    auto deltas = select_deltas(p.data(), they_lack, budget_, p.rng()());
    if (deltas.empty() && we_lack.empty())
      return {}; // already equal
    auto what = deltas.empty() ? carries::control : carries::update;
    return reply_with(ae_ack{p.self(), std::move(deltas), std::move(we_lack)}, what);
  }

  // Highest version per origin: what we hold, and what we ever received
  // (a superseded or collected entry still counts as seen).
  std::map<std::string, uint64_t> digest(port& p) {
    auto result = seen_;
    for (auto& [key, e] : p.data().items()) {
      auto& v = result[e.origin];
      v = std::max(v, e.version);
    }
    return result;
  }

  void learn(port& p, const std::string& from, const std::vector<keyed_entry>& xs) {
    for (auto& x : xs) {
      if (!check_entry(p, x).empty())
        continue; // merge drops and counts it
      if (seen_.size() >= p.limits().max_origins && seen_.count(x.e.origin) == 0)
        continue; // merged, but its origin is not tracked: ask again later
      auto& v = seen_[x.e.origin];
      v = std::max(v, x.e.version);
    }
    merge(p, from, xs);
  }

  // A tombstone is dropped gc_ rounds after this node first held it.
  void collect_garbage(port& p) {
    if (gc_ == 0)
      return;
    for (auto& [key, e] : p.data().items()) {
      if (!e.tombstone)
        continue;
      auto& v = seen_[e.origin];
      v = std::max(v, e.version); // remembered after the tombstone is gone
      tombstones_.emplace(key, std::make_pair(e.version, p.round()));
    }
    for (auto i = tombstones_.begin(); i != tombstones_.end();) {
      auto e = p.data().find(i->first);
      bool same = e && e->tombstone && e->version == i->second.first;
      if (!same) {
        i = tombstones_.erase(i); // overwritten since, or gone
      } else if (p.round() >= i->second.second + gc_) {
        p.data().forget(i->first);
        i = tombstones_.erase(i);
      } else {
        ++i;
      }
    }
  }

  size_t fanout_;
  size_t budget_;
  uint64_t gc_;
  std::map<std::string, uint64_t> seen_;
  std::map<std::string, std::pair<uint64_t, uint64_t>>
      tombstones_; // key -> version, round
};

} // namespace

const protocol_info& anti_entropy_info() {
  static const protocol_info info =
      describe<anti_entropy, origin_version, ae_syn, ae_ack, ae_ack2>(
          "anti-entropy",
          "digest SYN/ACK/ACK2 reconciling the whole store, bounded deltas",
          "Demers et al. 1987; van Renesse et al. 2008", {fanout, budget, gc});
  return info;
}

} // namespace gossip
