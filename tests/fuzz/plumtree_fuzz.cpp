// fuzz_plumtree: Plumtree through the fake port (fuzz.hpp) over the peers
// given up front (all its neighbours, or with a smaller fanout a random
// subset that the others may join), with broadcasts as its api step and
// local writes as the harness's write and erase steps.
// Whatever arrives: every GOSSIP or UPDATE it sends has travelled at least
// one hop (its own leave with one); every UPDATE carries an entry a peer's
// merge would take, never older than what its own store holds (stale news is
// not passed on, nor served to a GRAFT); no IHAVE or GRAFT carries more than
// `ihave-max` ids or one a peer would skip; rumors, announcements and grafts
// go to members only (a PRUNE may answer anyone), never to itself; what it
// keeps pending stays within limits::max_rumor_ids per peer; a rumor is
// delivered once while it is remembered (its id drops duplicates); all it
// sends would pass a peer's gate.
#include <algorithm>
#include <map>
#include <utility>

#include "targets.hpp"

namespace {

using namespace gossip;
using namespace gossip::fuzz;

/// Parameters of the variant the current input runs.
struct tree_params {
  uint64_t ihave_max = 0;
  uint64_t remember = 0;
};
tree_params variant;

template <class T>
void require_ids(const T& m, uint64_t max, const limits& lim, const std::string& what) {
  require(m.ids.size() <= max, what + " with more than ihave-max ids");
  for (auto& x : m.ids)
    require(validate(x, lim).empty(), what + " with an id a peer would skip");
}

struct tree_checks {
  tree_params ps;
  /// (origin, id) -> the round it was delivered (and cached) in.
  std::map<std::pair<std::string, uint64_t>, uint64_t> delivered;

  void operator()(test::fake_node& n, const caf::message*) {
    for (auto& ev : n.events) {
      // Rumors only: the same entry may come with several updates (a replica
      // spreads a write as its own), or from other protocols.
      if (ev.kind != event_kind::delivered || !ev.key.empty())
        continue;
      auto [i, is_new] =
          delivered.emplace(std::make_pair(ev.origin, ev.version), n.round());
      // Still cached: rounds expire it only after `remember` more.
      require(is_new || i->second + ps.remember < n.round(),
              "rumor " + ev.origin + "/" + std::to_string(ev.version) +
                  " delivered twice while remembered");
      i->second = n.round();
    }
    auto& peers = n.peers();
    for (auto& e : n.log) {
      if (auto m = test::as<plumtree_gossip>(e.msg))
        require(m->rumor.hops > 0, "a GOSSIP that travelled no hop");
      if (auto m = test::as<plumtree_update>(e.msg)) {
        require(m->hops > 0, "an UPDATE that travelled no hop");
        auto err = validate(m->write, n.lim);
        require(err.empty(), "an UPDATE whose entry a peer rejects: " + err);
        auto have = n.data().find(m->write.key);
        require(have == nullptr || !newer(*have, m->write.e),
                "an UPDATE older than the store's entry");
      }
      if (auto m = test::as<plumtree_ihave>(e.msg))
        require_ids(*m, ps.ihave_max, n.lim, "an IHAVE");
      if (auto m = test::as<plumtree_graft>(e.msg))
        require_ids(*m, ps.ihave_max, n.lim, "a GRAFT");
      if (e.kind == test::envelope::send) {
        require(e.to != n.self(), "a message to itself");
        require(test::as<plumtree_prune>(e.msg) ||
                    std::find(peers.begin(), peers.end(), e.to) != peers.end(),
                "a rumor, update, IHAVE or GRAFT to a non-member: " + e.to);
      }
    }
    // Missing rumors, and IHAVEs queued for each lazy link (a member).
    require(n.proto().pending() <= n.lim.max_rumor_ids * (1 + peers.size()),
            "more pending than max_rumor_ids per peer");
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const target t{
      "plumtree",
      {{},
       {{"fanout", "1"},
        {"graft-timeout", "1"},
        {"graft-retry", "1"},
        {"remember", "1"},
        {"ihave-max", "1"},
        {"optimize", "1"}},
       {{"fanout", "2"},
        {"graft-timeout", "2"},
        {"remember", "3"},
        {"ihave-max", "2"},
        {"optimize", "0"}}},
      {},
      [](reader& in, test::fake_node& n) {
        std::string text;
        if (in.read(text))
          n.request(caf::make_message(broadcast_atom::value, std::move(text)));
      },
      [] {
        return target::checks{tree_checks{variant, {}}};
      }};
  variant = {variant_uint(t, data, size, "ihave-max"),
             variant_uint(t, data, size, "remember")};
  return run(plumtree_types{}, t, data, size);
}
