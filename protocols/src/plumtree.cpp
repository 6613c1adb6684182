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
const param_spec graft_timeout{"graft-timeout", "N", "2",
                               "rounds an announced rumor may be missing before a GRAFT",
                               1};
const param_spec graft_retry{"graft-retry", "N", "1",
                             "rounds before a GRAFT to the next announcer", 1};
const param_spec remember{"remember", "N", "100",
                          "rounds a rumor is cached for GRAFTs and its id kept", 1};
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

  /// Payload bytes the cache may hold: 64 rumors of the largest size.
  static size_t cache_bytes(const port& p) { return 64 * p.limits().max_value_bytes; }

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
    // Bounded in bytes too: a peer's rumors of 1 MiB each must not make us
    // keep 100,000 of them.
    if (cache_.bytes() + r.payload.size() > cache_bytes(p) ||
        !cache_.insert(key, msg, p.round(), p.limits().max_rumor_ids, from, r.hops,
                       r.payload.size())) {
      p.count(tally::rejected_item, "plumtree: rumor cache full");
      return false;
    }
    deliver(p, from, r);
    missing_.received(key);
    refresh(p);
    // The link a rumor first came on is a tree link. A sender outside
    // peers() is never made eager: the rumor itself was validated and may
    // have no other way here yet, so it is delivered, but letting anyone
    // who sends us a rumor into the eager set would let strangers grow our
    // fanout (links::make_eager adopts members of the view only).
    links_.make_eager(p, from);
    for (auto& x : links_.eager())
      if (x != from && x != r.origin)
        p.send(x, msg, carries::update);
    auto limit = p.limits().max_rumor_ids;
    for (auto& x : links_.lazy())
      if (x != from && x != r.origin &&
          !announce_.queue(x, plumtree_id{r.origin, r.id, next.hops}, limit))
        p.count(tally::rejected_item, "plumtree: IHAVE queue full");
    return true;
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
    size_t budget = 4 * p.limits().max_value_bytes;
    for (auto& x : m.ids) {
      rumor_key k{x.origin, x.id};
      auto msg = cache_.find(k);
      if (!msg || !sent.insert(k).second)
        continue;
      auto bytes = msg->get_as<plumtree_gossip>(0).rumor.payload.size();
      if (bytes > budget)
        break;
      budget -= bytes;
      p.send(m.from, *msg, carries::update);
    }
    // An id unknown here (never seen, or expired) is ignored: the grafting
    // node asks its next announcer after graft_retry rounds.
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
      describe<plumtree, plumtree_id, plumtree_gossip, plumtree_ihave, plumtree_graft,
               plumtree_prune>(
          "plumtree", "a broadcast tree: eager pushes on tree links, IHAVE/GRAFT repair",
          "Leitão, Pereira, Rodrigues 2007",
          {fanout, graft_timeout, graft_retry, remember, ihave_max, optimize});
  return info;
}

} // namespace gossip
