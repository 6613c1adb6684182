// Plumtree's messages and their handling (plumtree.hpp); the bookkeeping
// lives in plumtree_impl.hpp.
#include "gossip/plumtree.hpp"

#include <caf/actor_system_config.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "plumtree_impl.hpp"

namespace gossip {

namespace {

std::string check_ids(const std::string& from, size_t n, const limits& lim,
                      const char* what) {
  if (auto err = check_name(from, lim); !err.empty())
    return err;
  if (n > std::min(plumtree_max_ids, lim.max_entries))
    return std::string{"more than "} +
           std::to_string(std::min(plumtree_max_ids, lim.max_entries)) + " ids in " +
           what;
  return {};
}

} // namespace

std::string validate(const plumtree_gossip& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.rumor, lim));
}

std::string validate(const plumtree_update& m, const limits& lim) {
  if (auto err = first_problem(check_name(m.from, lim), check_name(m.origin, lim));
      !err.empty())
    return err;
  if (m.id == 0)
    return "a store update with id 0";
  return {};
}

std::string validate(const plumtree_ihave& m, const limits& lim) {
  return check_ids(m.from, m.ids.size(), lim, "an IHAVE");
}

std::string validate(const plumtree_graft& m, const limits& lim) {
  return check_ids(m.from, m.ids.size(), lim, "a GRAFT");
}

std::string validate(const plumtree_prune& m, const limits& lim) {
  return check_name(m.from, lim);
}

std::string validate(const plumtree_id& x, const limits& lim) {
  if (auto err = check_name(x.origin, lim); !err.empty())
    return "announced rumor origin: " + err;
  if (x.id == 0)
    return "announced rumor with id 0";
  return {};
}

namespace {

using namespace plumtree_detail;

const param_spec fanout{"fanout", "N", "8",
                        "neighbours used when the peer list is longer (full membership)",
                        1};
const param_spec graft_timeout{
    "graft-timeout", "N", "2",
    "rounds an announced rumor or write may be missing before a GRAFT", 1};
const param_spec graft_retry{"graft-retry", "N", "1",
                             "rounds before a GRAFT to the next announcer", 1};
const param_spec remember{"remember", "N", "100",
                          "rounds a rumor or write is cached for GRAFTs and its id kept",
                          1};
const param_spec optimize{"optimize", "N", "3",
                          "swap a tree link for a lazy one announcing a rumor N hops "
                          "sooner (0: never)"};
const param_spec ihave_max{"ihave-max", "N", "256",
                           "ids per IHAVE or GRAFT message (at most 1024)", 1};

class plumtree : public protocol {
public:
  explicit plumtree(const params& ps)
      : links_(ps.get_uint(fanout)), timeout_(ps.get_uint(graft_timeout)),
        retry_(ps.get_uint(graft_retry)), cache_(ps.get_uint(remember)),
        ihave_max_(ps.get_uint(ihave_max)), optimize_(ps.get_uint(optimize)) {
    if (ihave_max_ > plumtree_max_ids)
      throw std::invalid_argument("--ihave-max must be at most " +
                                  std::to_string(plumtree_max_ids));
  }

  const char* name() const override { return "plumtree"; }

  void handlers(handler_set& hs) override {
    hs.on<plumtree_gossip>(from_itself<plumtree_gossip>(
        [this](port& p, const plumtree_gossip& m) { return on_gossip(p, m); }));
    hs.on<plumtree_update>(from_itself<plumtree_update>(
        [this](port& p, const plumtree_update& m) { return on_update(p, m); }));
    hs.on<plumtree_ihave>(from_itself<plumtree_ihave>(
        [this](port& p, const plumtree_ihave& m) { on_ihave(p, m); }));
    hs.on<plumtree_graft>(from_itself<plumtree_graft>(
        [this](port& p, const plumtree_graft& m) { on_graft(p, m); }));
    hs.on<plumtree_prune>(from_itself<plumtree_prune>(
        [this](port& p, const plumtree_prune& m) { links_.make_lazy(p, m.from); }));
  }

  caf::message_handler api(port& p) override {
    return {[this, &p](broadcast_atom, const std::string& text) -> caf::result<uint64_t> {
      if (text.size() > p.limits().max_value_bytes)
        return caf::make_error(caf::sec::invalid_argument, "rumor text too long");
      start_ids(p);
      rumor r{p.self(), ++last_id_, text, 0, {}};
      while (cache_.contains({r.origin, r.id})) // a previous life's, still here
        r.id = ++last_id_;
      if (!first_receipt(p, p.self(), r))
        return caf::make_error(caf::sec::invalid_argument, "rumor cache full");
      return r.id;
    }};
  }

  /// A put or delete here (or a replica's copy, spread as its own): an
  /// UPDATE down the tree, under the next id of this node's rumors.
  void on_local_write(port& p, const std::string& key) override {
    auto e = p.data().find(key);
    if (e == nullptr)
      return;
    start_ids(p);
    rumor_key id{p.self(), ++last_id_};
    while (cache_.contains(id)) // a previous life's, still here
      id.second = ++last_id_;
    keyed_entry x{key, *e};
    auto bytes = payload_bytes(x);
    auto msg = wire(plumtree_update{p.self(), p.self(), id.second, 1, std::move(x)});
    if (!keep(p, id, msg, p.self(), 0, bytes)) {
      // The write is stored; the anti-entropy protocol beside us spreads it.
      p.count(tally::rejected_item, "plumtree: cache full, a write not broadcast");
      return;
    }
    pass_on(p, p.self(), id, msg, 1);
  }

  void on_round(port& p) override {
    refresh(p);
    announce_.flush(p, max_ids(p));
    for (auto& [to, ids] : missing_.expire(p.round(), retry_, p.peers()))
      graft(p, to, std::move(ids));
    cache_.expire(p.round());
  }

  void link_lost(port&, const std::string& peer) override {
    links_.lost(peer);
    missing_.forget(peer);
    announce_.forget(peer);
  }

  size_t pending() const override { return missing_.size() + announce_.size(); }

private:
  /// Members picked into our subset learn of it from an empty IHAVE (they
  /// adopt us, lazy): someone nobody else picked is reached through them.
  void refresh(port& p) {
    for (auto& x : links_.refresh(p))
      p.send(x, wire(plumtree_ihave{p.self(), {}}), carries::control);
  }

  size_t max_ids(const port& p) const {
    return std::min(ihave_max_, p.limits().max_entries);
  }

  /// The largest payload a broadcast may carry: an update's key and value
  /// (a rumor's text is at most a value).
  static size_t largest(const port& p) {
    return p.limits().max_key_bytes + p.limits().max_value_bytes;
  }

  /// Payload bytes the cache may hold: 64 broadcasts of the largest size.
  static size_t cache_bytes(const port& p) { return 64 * largest(p); }

  static size_t payload_bytes(const keyed_entry& x) {
    return x.key.size() + x.e.value.size();
  }

  answer on_gossip(port& p, const plumtree_gossip& m) {
    // Only neighbours push: a stranger's rumors would fill the cache (and be
    // pushed on by us). A neighbour's own link may be changing; the rumor
    // then arrives on another link or through an IHAVE.
    if (m.from != p.self() && !in_view(p.peers(), m.from)) {
      p.count(tally::rejected_item, "plumtree: a rumor from a non-neighbour");
      return {};
    }
    links_.heard_from(m.from);
    if (cache_.contains({m.rumor.origin, m.rumor.id})) {
      // A second path to us: the link it took leaves the tree, at both ends.
      links_.make_lazy(p, m.from);
      return reply_with(plumtree_prune{p.self()});
    }
    // Our own name on an id we never issued: forged (a previous life's ids
    // lie below this life's first). Taken, it would shadow our next rumor.
    start_ids(p);
    if (m.rumor.origin == p.self() && m.rumor.id > last_id_) {
      p.count(tally::rejected_item, "plumtree: a rumor of ours we never sent");
      return {};
    }
    first_receipt(p, m.from, m.rumor);
    return {};
  }

  /// Ids start above the clock: a restarted node's new rumors must not be
  /// taken for duplicates of its previous life's, still cached elsewhere.
  void start_ids(port& p) {
    if (last_id_ == 0)
      last_id_ = static_cast<uint64_t>(std::max<int64_t>(p.now_ms(), 0)) * 1000;
  }

  /// Delivers a rumor new here, pushes it down the tree and announces it on
  /// the lazy links. False when the cache has no room (it is turned away).
  bool first_receipt(port& p, const std::string& from, const rumor& r) {
    rumor_key key{r.origin, r.id};
    auto next = next_hop(r);
    auto msg = wire(plumtree_gossip{p.self(), next});
    if (!keep(p, key, msg, from, r.hops, r.payload.size())) {
      p.count(tally::rejected_item, "plumtree: rumor cache full");
      return false;
    }
    deliver(p, from, r);
    pass_on(p, from, key, msg, next.hops);
    return true;
  }

  /// Keeps broadcast `key` (`msg` passes it on; it came from `from` with
  /// `hops`) for GRAFTs and to drop its duplicates. False when the cache has
  /// no room: bounded in bytes too, a peer's rumors of 1 MiB each must not
  /// make us keep 100,000 of them.
  bool keep(port& p, const rumor_key& key, const caf::message& msg,
            const std::string& from, uint32_t hops, size_t bytes) {
    return cache_.bytes() + bytes <= cache_bytes(p) &&
           cache_.insert(key, msg, p.round(), p.limits().max_rumor_ids, from, hops,
                         bytes);
  }

  /// Pushes a kept broadcast down the tree (`msg`, arriving with `hops`
  /// where it goes) and announces it on the lazy links.
  void pass_on(port& p, const std::string& from, const rumor_key& key,
               const caf::message& msg, uint32_t hops) {
    auto& origin = key.first;
    missing_.received(key);
    refresh(p);
    // The link a rumor first came on is a tree link. A sender outside
    // peers() is never made eager: the rumor itself was validated and may
    // have no other way here yet, so it is delivered, but letting anyone
    // who sends us a rumor into the eager set would let strangers grow our
    // fanout (links::make_eager adopts members of the view only).
    links_.make_eager(p, from);
    for (auto& x : links_.eager())
      if (x != from && x != origin)
        p.send(x, msg, carries::update);
    auto limit = p.limits().max_rumor_ids;
    for (auto& x : links_.lazy())
      if (x != from && x != origin &&
          !announce_.queue(x, plumtree_id{origin, key.second, hops}, limit))
        p.count(tally::rejected_item, "plumtree: IHAVE queue full");
  }

  answer on_update(port& p, const plumtree_update& m) {
    // As for rumors: only neighbours push, a copy is a second path.
    if (m.from != p.self() && !in_view(p.peers(), m.from)) {
      p.count(tally::rejected_item, "plumtree: a store update from a non-neighbour");
      return {};
    }
    links_.heard_from(m.from);
    rumor_key key{m.origin, m.id};
    if (cache_.contains(key)) {
      links_.make_lazy(p, m.from);
      return reply_with(plumtree_prune{p.self()});
    }
    start_ids(p);
    if (m.origin == p.self() && m.id > last_id_) {
      p.count(tally::rejected_item, "plumtree: an update of ours we never sent");
      return {};
    }
    // The shared data path: checked (a bad entry is counted there), merged,
    // or held until the round ends (then judged by the store as the round
    // found it). A bad entry is not kept: the id may yet come with a good one.
    auto& x = m.write;
    bool valid = check_entry(p, x).empty();
    bool changed = merge(p, m.from, x);
    if (!valid)
      return {};
    // News to the tree: the entry changed the store, or the store holds
    // this very write (it came by another protocol first: our subtree may
    // still lack it). An older entry is not: it is neither passed on nor
    // announced (a GRAFT for it would fetch what every node replaces), its
    // id kept only to prune copies; the link it came on is a tree link.
    auto have = p.data().find(x.key);
    if (!changed && !(have != nullptr && same_write(*have, x.e))) {
      keep(p, key, caf::message{}, m.from, m.hops, 0);
      missing_.received(key);
      links_.make_eager(p, m.from);
      return {};
    }
    auto next = m; // one hop further (saturating, as next_hop)
    next.from = p.self();
    if (next.hops < UINT32_MAX)
      ++next.hops;
    auto hops = next.hops;
    auto msg = wire(std::move(next));
    if (!keep(p, key, msg, m.from, m.hops, payload_bytes(x))) {
      // Merged, not passed on: the anti-entropy protocol repairs the rest.
      p.count(tally::rejected_item, "plumtree: cache full, an update not passed on");
      return {};
    }
    pass_on(p, m.from, key, msg, hops);
    return {};
  }

  void on_ihave(port& p, const plumtree_ihave& m) {
    // Only members announce: a GRAFT would go back to the announcer and
    // make its link eager, and strangers' ids would fill the missing table.
    if (m.from == p.self() || !in_view(p.peers(), m.from))
      return;
    links_.heard_from(m.from);
    links_.adopt_lazy(p, m.from); // it announces to us: it has a link
    auto bound = p.limits().max_rumor_ids;
    for (auto& x : m.ids) {
      if (auto err = validate(x, p.limits()); !err.empty()) {
        p.count(tally::rejected_item, err);
        continue;
      }
      if (auto known = cache_.path_of({x.origin, x.id})) {
        shorten(p, *known, m.from, x.hops);
        continue;
      }
      auto due = p.round() + timeout_;
      if (missing_.announce(x, m.from, due, bound) == missing_table::outcome::full)
        p.count(tally::rejected_item, "plumtree: missing table full");
    }
  }

  /// The paper's optimisation (section 3.8): a lazy link that would have
  /// brought a rumor `optimize` hops sooner than the tree did joins the tree,
  /// and the tree link it came on leaves it. Broadcasts from many origins
  /// otherwise keep the first origin's tree, and its long paths.
  void shorten(port& p, rumor_cache::path& known, const std::string& announcer,
               uint32_t hops) {
    if (optimize_ == 0 || known.parent == p.self() || known.parent == announcer ||
        static_cast<uint64_t>(hops) + optimize_ > known.hops)
      return;
    graft(p, announcer, {});
    p.send(known.parent, wire(plumtree_prune{p.self()}), carries::control);
    links_.make_lazy(p, known.parent);
    known = rumor_cache::path{announcer, hops};
  }

  void on_graft(port& p, const plumtree_graft& m) {
    // Answers carry whole rumors: only members get them (the gate bound
    // m.from to the real sender, so an answer cannot be aimed elsewhere).
    if (m.from == p.self() || !in_view(p.peers(), m.from))
      return;
    links_.heard_from(m.from);
    links_.make_eager(p, m.from);
    // Each rumor once, and at most 4 of the largest size per GRAFT: a GRAFT
    // of 1,024 copies of one id must not make us send a GiB.
    std::set<rumor_key> sent;
    size_t budget = 4 * largest(p);
    for (auto& x : m.ids) {
      rumor_key k{x.origin, x.id};
      auto msg = cache_.find(k);
      if (!msg || !sent.insert(k).second || superseded(p, *msg))
        continue;
      auto bytes = cache_.bytes_of(k);
      if (bytes > budget)
        break;
      budget -= bytes;
      p.send(m.from, *msg, carries::update);
    }
    // An id unknown here (never seen, or expired) is ignored: the grafting
    // node asks its next announcer after graft_retry rounds.
  }

  /// An update whose key the store has overwritten since: no news any more.
  static bool superseded(port& p, const caf::message& msg) {
    if (!msg.match_element<plumtree_update>(0))
      return false;
    auto& x = msg.get_as<plumtree_update>(0).write;
    auto have = p.data().find(x.key);
    return have != nullptr && newer(*have, x.e);
  }

  /// Asks `to` for missing rumors, and makes our link eager: the tree is
  /// repaired along the path the announcement came.
  void graft(port& p, const std::string& to, std::vector<plumtree_id> ids) {
    links_.make_eager(p, to);
    if (ids.empty()) // only the link: the optimisation's swap
      return p.send(to, wire(plumtree_graft{p.self(), {}}), carries::control);
    auto n = max_ids(p);
    for (size_t i = 0; i < ids.size(); i += n) {
      auto end = ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + n));
      std::vector<plumtree_id> chunk(ids.begin() + static_cast<std::ptrdiff_t>(i), end);
      p.send(to, wire(plumtree_graft{p.self(), std::move(chunk)}), carries::control);
    }
  }

  links links_;
  uint64_t timeout_;
  uint64_t retry_;
  rumor_cache cache_;
  size_t ihave_max_;
  uint64_t optimize_;
  announcements announce_;
  missing_table missing_;
  uint64_t last_id_ = 0;
};

} // namespace

const protocol_info& plumtree_info() {
  static const protocol_info info =
      describe<plumtree, plumtree_id, plumtree_gossip, plumtree_update, plumtree_ihave,
               plumtree_graft, plumtree_prune>(
          "plumtree",
          "a broadcast tree for rumors and store writes: eager pushes on tree links, "
          "IHAVE/GRAFT repair",
          "Leitão, Pereira, Rodrigues 2007",
          {fanout, graft_timeout, graft_retry, remember, ihave_max, optimize});
  return info;
}

} // namespace gossip
