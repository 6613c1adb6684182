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

namespace {

std::string check_versions(const std::vector<origin_version>& xs, const limits& lim) {
  if (xs.size() > lim.max_entries)
    return "more than " + std::to_string(lim.max_entries) + " digest items";
  for (auto& x : xs)
    if (auto err = check_name(x.origin, lim); !err.empty())
      return "digest origin: " + err;
  return {};
}

class anti_entropy : public protocol {
public:
  anti_entropy(size_t fanout, size_t budget, uint64_t gc)
      : fanout_(fanout), budget_(budget), gc_(gc) {}

  const char* name() const override { return "anti-entropy"; }

  caf::message_handler handlers(context& ctx) override {
    return {
        [this, &ctx](const ae_syn& m) {
          auto err = check_name(m.from, ctx.limits());
          if (err.empty())
            err = check_versions(m.digest, ctx.limits());
          if (!ctx.admit(err))
            return;
          // Theirs vs ours, origin by origin: send what they lack, ask for
          // what we lack.
          auto mine = digest(ctx);
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
          auto deltas = select_deltas(ctx.data(), they_lack, budget_, ctx.rng()());
          if (deltas.empty() && we_lack.empty())
            return; // already equal
          if (!deltas.empty())
            ctx.note_update();
          ctx.reply(ae_ack{ctx.self(), std::move(deltas), std::move(we_lack)});
        },
        [this, &ctx](const ae_ack& m) {
          auto err = check_update(m.from, m.deltas, ctx.limits());
          if (err.empty())
            err = check_versions(m.requests, ctx.limits());
          if (!ctx.admit(err))
            return;
          merge(ctx, m.from, m.deltas);
          if (m.requests.empty())
            return;
          auto deltas = select_deltas(ctx.data(), m.requests, budget_, ctx.rng()());
          if (deltas.empty())
            return;
          ctx.note_update();
          ctx.reply(ae_ack2{ctx.self(), std::move(deltas)});
        },
        [this, &ctx](const ae_ack2& m) {
          if (!ctx.admit(check_update(m.from, m.deltas, ctx.limits())))
            return;
          merge(ctx, m.from, m.deltas);
        },
    };
  }

  void on_round(context& ctx) override {
    collect_garbage(ctx);
    auto mine = digest(ctx);
    std::vector<origin_version> d;
    d.reserve(mine.size());
    for (auto& [origin, v] : mine)
      d.push_back({origin, v});
    auto msg = caf::make_message(ae_syn{ctx.self(), std::move(d)});
    for (auto& peer : ctx.sample(fanout_))
      ctx.send(peer, msg);
  }

private:
  // Highest version per origin: what we hold, and what we ever received
  // (a superseded or collected entry still counts as seen).
  std::map<std::string, uint64_t> digest(context& ctx) {
    auto result = seen_;
    for (auto& [key, e] : ctx.data().items()) {
      auto& v = result[e.origin];
      v = std::max(v, e.version);
    }
    return result;
  }

  void merge(context& ctx, const std::string& from, const std::vector<keyed_entry>& xs) {
    for (auto& x : xs) {
      auto& v = seen_[x.e.origin];
      v = std::max(v, x.e.version);
    }
    ctx.merge(from, xs);
  }

  // A tombstone is dropped gc_ rounds after this node first held it.
  void collect_garbage(context& ctx) {
    if (gc_ == 0)
      return;
    for (auto& [key, e] : ctx.data().items()) {
      if (!e.tombstone)
        continue;
      auto& v = seen_[e.origin];
      v = std::max(v, e.version); // remembered after the tombstone is gone
      tombstones_.emplace(key, std::make_pair(e.version, ctx.round()));
    }
    for (auto i = tombstones_.begin(); i != tombstones_.end();) {
      auto e = ctx.data().find(i->first);
      bool same = e && e->tombstone && e->version == i->second.first;
      if (!same) {
        i = tombstones_.erase(i); // overwritten since, or gone
      } else if (ctx.round() >= i->second.second + gc_) {
        ctx.data().forget(i->first);
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

std::unique_ptr<protocol> make_anti_entropy(const params& ps) {
  auto fanout = ps.get_uint("fanout", 1);
  auto budget = ps.get_uint("budget", 65536);
  if (fanout == 0 || budget == 0)
    throw std::invalid_argument("--fanout and --budget must be at least 1");
  return std::make_unique<anti_entropy>(fanout, budget, ps.get_uint("gc", 0));
}

void add_anti_entropy_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<origin_version>("gossip::origin_version");
  cfg.add_message_type<ae_syn>("gossip::ae_syn");
  cfg.add_message_type<ae_ack>("gossip::ae_ack");
  cfg.add_message_type<ae_ack2>("gossip::ae_ack2");
}

} // namespace gossip
