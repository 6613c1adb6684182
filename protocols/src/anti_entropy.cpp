#include "gossip/anti_entropy.hpp"

#include <caf/actor_system_config.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "gossip/paging.hpp"

namespace gossip {

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
  return first_problem(check_name(m.from, lim), validate(m.digest, lim),
                       validate({m.start, m.end}, m.page, lim));
}

std::string validate(const ae_ack& m, const limits& lim) {
  if (auto err = check_count(m.wanted.size(), lim, "wanted keys"); !err.empty())
    return err;
  for (auto& key : m.wanted)
    if (key.empty() || key.size() > lim.max_key_bytes)
      return "wanted key empty or longer than " + std::to_string(lim.max_key_bytes) +
             " bytes";
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
const param_spec sweep{"sweep", "N", "10",
                       "rounds between pages of the per-key digest (0: never)"};

class anti_entropy : public protocol {
public:
  explicit anti_entropy(const params& ps)
      : fanout_(ps.get_uint(fanout)), budget_(ps.get_uint(budget)), gc_(ps.get_uint(gc)),
        sweep_(ps.get_uint(sweep)) {}

  const char* name() const override { return "anti-entropy"; }

  void handlers(handler_set& hs) override {
    hs.on<ae_syn>([this](port& p, const ae_syn& m) { return on_syn(p, m); });
    hs.on<ae_ack>([this](port& p, const ae_ack& m) -> answer {
      learn(p, m.from, m.deltas);
      std::vector<keyed_entry> deltas;
      if (!m.requests.empty()) // an empty ACK costs no pass over the store
        deltas = select_deltas(p.data(), m.requests, budget_, p.rng()());
      add_wanted(p, m.wanted, deltas);
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
    ae_syn syn{p.self(), std::move(d), false, {}, {}, {}};
    if (sweep_ > 0 && p.round() % sweep_ == 1 % sweep_) { // from the first round on
      auto page = cursor_.next_page(p.data(), budget_, p.limits().max_entries);
      syn.sweep = true;
      syn.start = std::move(page.range.start);
      syn.end = std::move(page.range.end);
      syn.page = with_buried(p, page);
    }
    auto msg = wire(std::move(syn));
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
    std::vector<std::string> wanted;
    if (m.sweep)
      compare_page(p, m, deltas, wanted);
    if (deltas.empty() && we_lack.empty() && wanted.empty())
      return {}; // already equal
    auto what = deltas.empty() ? carries::control : carries::update;
    return reply_with(
        ae_ack{p.self(), std::move(deltas), std::move(we_lack), std::move(wanted)}, what);
  }

  // The sweep: what the SYN's page shows they lack (within what is left of
  // the budget, entries the per-origin deltas already carry not twice), and
  // the keys of it we lack or hold older.
  void compare_page(port& p, const ae_syn& m, std::vector<keyed_entry>& deltas,
                    std::vector<std::string>& wanted) {
    size_t used = 0;
    std::set<std::string> sent;
    for (auto& x : deltas) {
      used += delta_bytes(x);
      sent.insert(x.key);
    }
    auto page = answer_page(
        p.data(), {m.start, m.end}, m.page, budget_ > used ? budget_ - used : 0,
        p.limits().max_entries - std::min(deltas.size(), p.limits().max_entries));
    for (auto& x : page.entries)
      if (sent.count(x.key) == 0)
        deltas.push_back(std::move(x));
    for (auto& d : m.page) {
      auto e = p.data().find(d.key);
      if (!e || std::tie(e->version, e->origin) < std::tie(d.version, d.origin))
        wanted.push_back(d.key);
    }
  }

  // The ACK2's share for the sweep: the entries of the keys asked for, as
  // far as the budget goes.
  void add_wanted(port& p, const std::vector<std::string>& keys,
                  std::vector<keyed_entry>& deltas) {
    size_t used = 0;
    std::set<std::string> sent;
    for (auto& x : deltas) {
      used += delta_bytes(x);
      sent.insert(x.key);
    }
    for (auto& key : keys) {
      auto e = p.data().find(key);
      if (!e) // a collected delete still tells a peer that missed it
        if (auto b = buried_.find(key); b != buried_.end())
          e = &b->second;
      if (!e || !sent.insert(key).second)
        continue;
      keyed_entry x{key, *e};
      used += delta_bytes(x);
      if (used > budget_ && !deltas.empty())
        break;
      deltas.push_back(std::move(x));
    }
  }

  // The sweep's page with the collected tombstones of its range among its
  // items (in key order): a peer that still holds such a key sees it is
  // older, offers nothing, and asks for the tombstone instead.
  std::vector<digest_item> with_buried(port& p, digest_page& page) {
    auto& items = page.items;
    if (buried_.empty())
      return std::move(items);
    auto max = p.limits().max_entries;
    std::vector<digest_item> result;
    auto i = items.begin();
    for (auto b = buried_.lower_bound(page.range.start);
         b != buried_.end() && (page.range.end.empty() || b->first < page.range.end) &&
         result.size() + (items.end() - i) < max;
         ++b) {
      for (; i != items.end() && i->key < b->first; ++i)
        result.push_back(std::move(*i));
      if (i == items.end() || i->key != b->first)
        result.push_back(digest_item{b->first, b->second.version, b->second.origin});
    }
    for (; i != items.end(); ++i)
      result.push_back(std::move(*i));
    return result;
  }

  // Highest version per origin: what we hold, and the tombstones we
  // collected (a deleted key is not sent back). A superseded write does not
  // count: a peer that never saw it would ask for it forever.
  std::map<std::string, uint64_t> digest(port& p) {
    auto result = collected_;
    for (auto& [key, e] : p.data().items()) {
      auto& v = result[e.origin];
      v = std::max(v, e.version);
    }
    return result;
  }

  // A key whose tombstone was collected here does not come back with a
  // write older than the delete (a peer that missed it). Its origin's
  // version then counts as seen, so that peer stops offering it.
  void learn(port& p, const std::string& from, const std::vector<keyed_entry>& xs) {
    if (buried_.empty())
      return (void)merge(p, from, xs);
    std::vector<keyed_entry> alive;
    for (auto& x : xs) {
      auto b = buried_.find(x.key);
      if (b == buried_.end() || newer(x.e, b->second))
        alive.push_back(x);
      else if (check_entry(p, x).empty())
        note_collected(p, x.e);
    }
    merge(p, from, alive);
  }

  // A tombstone is dropped gc_ rounds after this node first held it.
  void collect_garbage(port& p) {
    if (gc_ == 0)
      return;
    for (auto& [key, e] : p.data().items())
      if (e.tombstone)
        tombstones_.emplace(key, std::make_pair(e.version, p.round()));
    for (auto i = tombstones_.begin(); i != tombstones_.end();) {
      auto e = p.data().find(i->first);
      bool same = e && e->tombstone && e->version == i->second.first;
      if (!same) {
        i = tombstones_.erase(i); // overwritten since, or gone
      } else if (p.round() >= i->second.second + gc_) {
        remember(p, i->first, *e); // after the tombstone is gone
        p.data().forget(i->first);
        i = tombstones_.erase(i);
      } else {
        ++i;
      }
    }
  }

  // Bounded like every table remote messages grow; an untracked key may
  // come back once, as what a peer that missed the delete still holds.
  void remember(port& p, const std::string& key, const entry& tombstone) {
    note_collected(p, tombstone);
    if (buried_.size() >= p.limits().max_origins)
      buried_.erase(buried_.begin());
    buried_[key] = tombstone;
  }

  void note_collected(port& p, const entry& e) {
    if (collected_.size() < p.limits().max_origins || collected_.count(e.origin) > 0) {
      auto& v = collected_[e.origin];
      v = std::max(v, e.version);
    }
  }

  size_t fanout_;
  size_t budget_;
  uint64_t gc_;
  uint64_t sweep_;
  page_cursor cursor_;
  std::map<std::string, uint64_t> collected_; // origin -> highest collected tombstone
  std::map<std::string, entry> buried_;       // key -> its collected tombstone
  std::map<std::string, std::pair<uint64_t, uint64_t>>
      tombstones_; // key -> version, round
};

} // namespace

const protocol_info& anti_entropy_info() {
  static const protocol_info info =
      describe<anti_entropy, origin_version, ae_syn, ae_ack, ae_ack2>(
          "anti-entropy",
          "digest SYN/ACK/ACK2 reconciling the whole store, bounded deltas",
          "Demers et al. 1987; van Renesse et al. 2008", {fanout, budget, gc, sweep});
  return info;
}

} // namespace gossip
