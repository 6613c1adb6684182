// HyParView: parameters, wire checks and the handlers of its messages. The
// steps of a round and the view changes they share are in hyparview_round.cpp.
#include <caf/actor_system_config.hpp>

#include <stdexcept>

#include "hyparview_impl.hpp"

namespace gossip {

namespace {

std::string check_ttl(uint32_t ttl) {
  if (ttl > hv_max_ttl)
    return "walk with a ttl above " + std::to_string(hv_max_ttl);
  return {};
}

std::string check_address(const std::string& address, const limits& lim) {
  return validate(hv_peer{"x", address}, lim);
}

// One bad entry rejects the whole shuffle: entries are a sample, nothing in
// them is lost that the next shuffle does not bring again.
std::string check_entries(const std::vector<hv_peer>& xs, const limits& lim) {
  if (xs.size() > hv_max_entries)
    return "shuffle with more than " + std::to_string(hv_max_entries) + " entries";
  for (auto& x : xs)
    if (auto err = validate(x, lim); !err.empty())
      return err;
  return {};
}

} // namespace

std::string validate(const hv_join& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), check_address(m.address, lim));
}

std::string validate(const hv_forward_join& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.joiner, lim),
                       check_ttl(m.ttl));
}

std::string validate(const hv_neighbor& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), check_address(m.address, lim));
}

std::string validate(const hv_neighbor_reply& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), check_address(m.address, lim));
}

std::string validate(const hv_disconnect& m, const limits& lim) {
  return check_name(m.from, lim);
}

std::string validate(const hv_heartbeat& m, const limits& lim) {
  return check_name(m.from, lim);
}

std::string validate(const hv_shuffle& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.origin, lim), check_ttl(m.ttl),
                       check_entries(m.entries, lim));
}

std::string validate(const hv_shuffle_reply& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), check_entries(m.entries, lim));
}

namespace {

const param_spec active{"active", "N", "5",
                        "active view size: the paper's log10(n) + 1 (5 at n = 10,000)",
                        1};
const param_spec passive{"passive", "N", "30", "passive view size (repair candidates)",
                         1};
const param_spec arwl{"arwl", "N", "6",
                      "active random walk length: hops a join's FORWARDJOIN travels"};
const param_spec prwl{"prwl", "N", "3",
                      "passive random walk length: the hop at which a FORWARDJOIN "
                      "leaves the joiner in a passive view"};
const param_spec shuffle_every{"shuffle-every", "N", "10",
                               "rounds between shuffles (0: never)"};
const param_spec shuffle_active{"shuffle-active", "N", "3",
                                "active peers a shuffle carries (the paper's ka)"};
const param_spec shuffle_passive{"shuffle-passive", "N", "4",
                                 "passive peers a shuffle carries (the paper's kp)"};
const param_spec shuffle_ttl{
    "shuffle-ttl", "N", "6",
    "hops a shuffle's random walk travels (as long as a join's, ARWL)"};
const param_spec heartbeat{"heartbeat", "N", "1",
                           "rounds between keepalives on each active link (0: off)"};
const param_spec timeout{"timeout", "N", "5",
                         "rounds of silence after which an active peer counts as "
                         "failed (0: off; then only lost links count)"};
const param_spec seeds{"seeds", "HOST:PORT,...", "",
                       "nodes to join through; retried with backoff while the active "
                       "view is empty"};
const param_spec mix_every{"mix-every", "N", "200",
                           "rounds between asking a random passive or lost peer to be a "
                           "neighbour with high priority, for 10 such periods after a "
                           "link failed, so that the islands of a healed partition merge "
                           "again (0: never)"};

uint32_t read_ttl(const params& ps, const param_spec& spec) {
  auto x = ps.get_uint(spec);
  if (x > hv_max_ttl)
    throw std::invalid_argument(std::string{"--"} + spec.name + " must be at most " +
                                std::to_string(hv_max_ttl));
  return static_cast<uint32_t>(x);
}

hyparview_config read(const params& ps) {
  hyparview_config cfg;
  cfg.active = ps.get_uint(active);
  cfg.passive = ps.get_uint(passive);
  cfg.arwl = read_ttl(ps, arwl);
  cfg.prwl = read_ttl(ps, prwl);
  cfg.shuffle_every = ps.get_uint(shuffle_every);
  cfg.shuffle_active = ps.get_uint(shuffle_active);
  cfg.shuffle_passive = ps.get_uint(shuffle_passive);
  cfg.shuffle_ttl = read_ttl(ps, shuffle_ttl);
  cfg.heartbeat = ps.get_uint(heartbeat);
  cfg.timeout = ps.get_uint(timeout);
  cfg.seeds = ps.get_list(seeds.name);
  cfg.mix_every = ps.get_uint(mix_every);
  // Keepalives must come more often than silence counts as failure, or every
  // quiet link would fail.
  if (cfg.timeout != 0 && (cfg.heartbeat == 0 || cfg.heartbeat >= cfg.timeout))
    throw std::invalid_argument("--timeout needs a --heartbeat below it");
  if (cfg.prwl > cfg.arwl)
    throw std::invalid_argument("--prwl must not exceed --arwl");
  // Our own shuffles must pass our own checks.
  if (1 + cfg.shuffle_active + cfg.shuffle_passive > hv_max_entries)
    throw std::invalid_argument("--shuffle-active plus --shuffle-passive must be below " +
                                std::to_string(hv_max_entries));
  return cfg;
}

} // namespace

const protocol_info& hyparview_info() {
  static const protocol_info info =
      describe<hyparview, hv_peer, hv_join, hv_forward_join, hv_neighbor,
               hv_neighbor_reply, hv_disconnect, hv_heartbeat, hv_shuffle,
               hv_shuffle_reply>(
          "hyparview", "HyParView partial-view membership (active and passive views)",
          "Leitão, Pereira, Rodrigues 2007",
          {active, passive, arwl, prwl, shuffle_every, shuffle_active, shuffle_passive,
           shuffle_ttl, heartbeat, timeout, seeds, mix_every});
  return info;
}

hyparview::hyparview(const params& ps)
    : cfg_(read(ps)), views_(cfg_.active, cfg_.passive) {}

// -- messages -----------------------------------------------------------------

void hyparview::handlers(handler_set& hs) {
  // Each handler first calls heard(): any message from an active peer shows
  // that its link is alive.
  hs.on<hv_join>(
      from_itself<hv_join>([this](port& p, const hv_join& m) { return on_join(p, m); }));
  hs.on<hv_forward_join>(from_itself<hv_forward_join>(
      [this](port& p, const hv_forward_join& m) { on_forward_join(p, m); }));
  hs.on<hv_neighbor>(from_itself<hv_neighbor>(
      [this](port& p, const hv_neighbor& m) { return on_neighbor(p, m); }));
  hs.on<hv_neighbor_reply>(from_itself<hv_neighbor_reply>(
      [this](port& p, const hv_neighbor_reply& m) { on_neighbor_reply(p, m); }));
  hs.on<hv_disconnect>(from_itself<hv_disconnect>(
      [this](port& p, const hv_disconnect& m) { on_disconnect(p, m); }));
  hs.on<hv_heartbeat>(from_itself<hv_heartbeat>(
      [this](port& p, const hv_heartbeat& m) { return on_heartbeat(p, m); }));
  hs.on<hv_shuffle>(from_itself<hv_shuffle>(
      [this](port& p, const hv_shuffle& m) { on_shuffle(p, m); }));
  hs.on<hv_shuffle_reply>(from_itself<hv_shuffle_reply>(
      [this](port& p, const hv_shuffle_reply& m) { on_shuffle_reply(p, m); }));
}

caf::message_handler hyparview::api(port& p) {
  return {
      [this, &p](members_atom) { return members(p); },
      [this, &p](in_process_t, hv_join_atom, const std::string& contact) {
        contact_ = contact;
        next_join_round_ = 0;
        join_backoff_ = 1;
        join(p);
      },
      [this](in_process_t, hv_passive_atom) {
        std::vector<std::string> names;
        for (auto& x : views_.passive())
          names.push_back(x.name);
        return names;
      },
  };
}

// Whose word a joiner's address travels on. Anyone can claim any address in
// a JOIN, and a FORWARDJOIN makes the nodes along its walk dial it (the end
// of each walk, the one at hop prwl later): one forged JOIN would make many
// nodes connect wherever it says. So:
// - the contact, the one node that heard the claim first-hand, dials it
//   itself (bring_up: the port connects back to verify it) and starts the
//   walks only once the address is verified (membership_port::verified), in
//   a later round (start_walks). A claim never verified gets no walks: the
//   joiner keeps its one link, to us (as a guest at a full contact, until
//   another joiner takes its place), and nobody else dials it. An
//   in-process joiner (no address) is walked at once;
// - a FORWARDJOIN is taken from a neighbour only (linked: or one dropped
//   this round or the last, whose walk crossed our DISCONNECT): walks travel
//   over active links, each started by a contact that verified the address,
//   so a stranger's FORWARDJOIN moves nobody, and a lying neighbour's costs
//   one dial at its walk's end (a walk is a path), as its own claim would.
//
// Beyond the paper, the contact takes a joiner in without evicting a
// neighbour, as a guest beyond its view's size (take_in,
// hyparview_round.cpp), and walks it over its settled neighbours only. The
// paper's contact evicts a random neighbour per JOIN: when many join
// through one contact at once (a cluster's start, all through its seeds),
// its view soon holds only the latest joiners, each walk ends at once at
// one of them (a node with one link accepts), and joiner k links to joiners
// k-1..k-4: a band, not a random graph. In gossip-sim, 1,000 nodes joining
// at once through one node: mean distance 20.9 hops, 41 from the contact,
// and islands of joiners cut off once a few links go (as
// lasp-lang/partisan#75 reports); with guests, 3.8 and 6.
answer hyparview::on_join(port& p, const hv_join& m) {
  heard(p, m.from);
  if (m.from == p.self() || leaving_)
    return {};
  bool known = views_.find_active(m.from) != nullptr;
  if (!known)
    take_in(p, hv_peer{m.from, m.address});
  // A retried join must not start more walks: each ends in a new link.
  if (!known && views_.find_active(m.from))
    joiners_[m.from] = p.round();
  start_walks(p);
  return reply_with(hv_neighbor_reply{p.self(), m_->address(), true});
}

void hyparview::on_forward_join(port& p, const hv_forward_join& m) {
  heard(p, m.from);
  if (!linked(p, m.from)) {
    p.count(tally::rejected_item, "hyparview: a FORWARDJOIN from a non-neighbour");
    return;
  }
  auto& j = m.joiner;
  if (j.name == p.self() || leaving_ || views_.find_active(j.name))
    return;
  auto accept = [&] {
    bring_up(p, j, "joined through a forward walk");
    send_to(p, j, wire(hv_neighbor_reply{p.self(), m_->address(), true}));
  };
  if (m.ttl == 0 || views_.active().size() <= 1)
    return accept();
  if (m.ttl == cfg_.prwl)
    views_.add_passive(j, p.rng());
  auto except = guest_names();
  except.insert(except.end(), {m.from, j.name});
  auto next = views_.sample_active(1, p.rng(), except);
  if (next.empty())
    return accept();
  p.send(next.front().name, wire(hv_forward_join{p.self(), j, m.ttl - 1}),
         carries::control);
}

answer hyparview::on_neighbor(port& p, const hv_neighbor& m) {
  heard(p, m.from);
  if (m.from == p.self() || leaving_)
    return {};
  bool ok = views_.find_active(m.from) || m.high || !full();
  if (ok)
    bring_up(p, hv_peer{m.from, m.address},
             m.high ? "asked with high priority" : "asked to be a neighbour");
  return reply_with(hv_neighbor_reply{p.self(), m_->address(), ok});
}

// An acceptance we did not ask for may fill a free slot but never evicts a
// neighbour: anyone can send one, and a stream of them would cut every link
// we have. The refused side learns it from our DISCONNECT to its first
// keepalive. Our JOIN asked, though: its contacts' answers and its walks'
// ends (a FORWARDJOIN's end takes the joiner in unasked) count as asked, as
// many as its walks can bring and while they can come (walks_due_). Refused,
// they would leave a joiner with only the links it had when they came: a
// process's nodes, joining through its first node and a remote seed at once,
// stayed among themselves, islands in a 1,000-node cluster.
void hyparview::on_neighbor_reply(port& p, const hv_neighbor_reply& m) {
  heard(p, m.from);
  bool asked = asked_.erase(m.from) > 0;
  // A refusal leaves the peer a candidate; the next round asks another.
  if (!m.accepted || m.from == p.self() || leaving_)
    return;
  if (!asked && full() && !views_.find_active(m.from)) {
    if (walks_due_ == 0 || p.round() > walks_until_) {
      p.count(tally::rejected_item,
              "hyparview: an unasked NEIGHBOR_REPLY with a full view");
      return;
    }
    --walks_due_;
  }
  bring_up(p, hv_peer{m.from, m.address}, "accepted us as a neighbour");
}

void hyparview::on_disconnect(port& p, const hv_disconnect& m) {
  heard(p, m.from);
  drop(p, m.from, false, "disconnected");
}

answer hyparview::on_heartbeat(port& p, const hv_heartbeat& m) {
  heard(p, m.from);
  if (views_.find_active(m.from) || m.from == p.self())
    return {};
  // It keeps a link we do not have: close its side too.
  return reply_with(hv_disconnect{p.self()});
}

// A shuffle walks over active links, so one from a non-neighbour (linked)
// is dropped: its entries and its origin's address (where the walk's end
// replies) come only through neighbours, one walk per SHUFFLE. Its entries
// stay with the node that merges them: it passes an address on only once it
// checked it itself (vouched), so a forged entry reaches no further.
void hyparview::on_shuffle(port& p, const hv_shuffle& m) {
  heard(p, m.from);
  if (!linked(p, m.from)) {
    p.count(tally::rejected_item, "hyparview: a SHUFFLE from a non-neighbour");
    return;
  }
  if (m.origin.name == p.self())
    return;
  auto ttl = m.ttl > 0 ? m.ttl - 1 : 0;
  if (ttl > 0 && views_.active().size() > 1) {
    auto next = views_.sample_active(1, p.rng(), {m.from, m.origin.name});
    if (!next.empty()) {
      auto walk = hv_shuffle{p.self(), m.origin, ttl, m.entries};
      p.send(next.front().name, wire(std::move(walk)), carries::control);
      return;
    }
  }
  // The walk ends here: as many passive entries back, then keep theirs,
  // dropping what we sent first when there is no room.
  auto back = views_.sample_passive(m.entries.size(), p.rng(), {m.origin.name});
  std::vector<std::string> sent;
  for (auto& x : back) {
    sent.push_back(x.name);
    x = vouched(x);
  }
  send_to(p, m.origin, wire(hv_shuffle_reply{p.self(), std::move(back)}));
  views_.merge(m.entries, std::move(sent), p.rng());
}

// One reply per SHUFFLE of ours (from wherever its walk ended, usually not a
// neighbour): anyone else's fills no passive view, and a forged one can only
// take the real one's place.
void hyparview::on_shuffle_reply(port& p, const hv_shuffle_reply& m) {
  heard(p, m.from);
  if (!awaiting_reply_) {
    p.count(tally::rejected_item, "hyparview: a SHUFFLE_REPLY to no shuffle of ours");
    return;
  }
  awaiting_reply_ = false;
  views_.merge(m.entries, std::move(shuffled_), p.rng());
  shuffled_.clear();
}

// Self first, then the active view: the peers this node actually links to.
std::vector<member_update> hyparview::members(port& p) const {
  auto alive = static_cast<uint8_t>(member_status::alive);
  std::vector<member_update> result;
  result.push_back(
      member_update{p.self(), 1, alive, m_->address(), m_->labels(), p.self()});
  for (auto& x : views_.active())
    result.push_back(member_update{x.name, 0, alive, x.address, {}, p.self()});
  return result;
}

} // namespace gossip
