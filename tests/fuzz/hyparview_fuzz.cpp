// fuzz_hyparview: HyParView through the fake port (fuzz.hpp), starting with
// no peers as a node running a partial view does (seeds to join through in
// one variant); its api step joins through a contact, as gossip-sim does,
// or loses a link (the node's link_lost, for a send that found it dead).
// Whatever arrives: the active view never outgrows twice `active` (joiners
// taken in as guests beyond it) nor the passive view `passive`, neither holds the node
// itself or a peer twice, no peer is in both, and the node's peers are exactly its active
// view; a DISCONNECT takes its sender out of the active view; all it sends would pass a
// peer's gate, and nothing is sent to itself.
#include <algorithm>
#include <set>

#include "targets.hpp"

namespace {

using namespace gossip;
using namespace gossip::fuzz;

/// The active view: the members answer less its own row, which comes first.
std::vector<std::string> active_of(test::fake_node& n) {
  auto r = n.request(caf::make_message(members_atom::value));
  auto rows = r ? test::as<std::vector<member_update>>(*r) : nullptr;
  require(rows && !rows->empty() && rows->front().name == n.self(), "own row missing");
  std::vector<std::string> names;
  for (size_t i = 1; i < rows->size(); ++i)
    names.push_back((*rows)[i].name);
  return names;
}

std::vector<std::string> passive_of(test::fake_node& n) {
  auto r = n.request(caf::make_message(in_process, hv_passive_atom::value));
  auto names = r ? test::as<std::vector<std::string>>(*r) : nullptr;
  require(names != nullptr, "no passive view answer");
  return *names;
}

void require_distinct(const std::vector<std::string>& view, const std::string& self,
                      const std::string& what) {
  std::set<std::string> seen;
  for (auto& x : view) {
    require(x != self, "itself in its " + what + " view");
    require(seen.insert(x).second, "a peer twice in its " + what + " view: " + x);
  }
}

bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// The view sizes of the variant the current input runs.
struct view_bounds {
  uint64_t active = 0;
  uint64_t passive = 0;
};
view_bounds bounds;

struct view_checks {
  view_bounds max;

  void operator()(test::fake_node& n, const caf::message* delivered) const {
    auto active = active_of(n);
    auto passive = passive_of(n);
    require(active.size() <= 2 * max.active, "active view larger than twice --active");
    require(passive.size() <= max.passive, "passive view larger than --passive");
    require_distinct(active, n.self(), "active");
    require_distinct(passive, n.self(), "passive");
    for (auto& x : passive)
      require(!contains(active, x), "a peer in both views: " + x);
    // The node's peers are what HyParView brought up (peer_up, peer_down).
    std::set<std::string> up(n.peers().begin(), n.peers().end());
    require(up == std::set<std::string>(active.begin(), active.end()) &&
                n.peers().size() == active.size(),
            "the node's peers are not its active view");
    if (delivered)
      if (auto m = test::as<hv_disconnect>(*delivered))
        require(!contains(active, m->from), "still active after its DISCONNECT");
    for (auto& e : n.log)
      require(e.kind != test::envelope::send || e.to != n.self(), "a message to itself");
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const target t{
      "hyparview",
      {{},
       {{"active", "2"},
        {"passive", "3"},
        {"arwl", "2"},
        {"prwl", "1"},
        {"shuffle-active", "1"},
        {"shuffle-passive", "1"},
        {"shuffle-ttl", "2"},
        {"timeout", "2"},
        {"mix-every", "3"},
        {"seeds", "s:7001"}},
       {{"active", "1"},
        {"passive", "1"},
        {"arwl", "1"},
        {"prwl", "0"},
        {"shuffle-every", "2"},
        {"heartbeat", "0"},
        {"timeout", "0"},
        {"mix-every", "1"}}},
      [](test::fake_node& n) {
        n.set_peers({}); // a partial view starts empty (node.cpp)
        n.set_label(n.self(), "zone", "eu");
      },
      [](reader& in, test::fake_node& n) {
        uint8_t what = 0;
        std::string name;
        if (!in.read(what) || !in.read(name))
          return;
        if (what % 2 == 0)
          n.request(caf::make_message(in_process, hv_join_atom::value, std::move(name)));
        else
          dynamic_cast<membership_protocol&>(n.proto()).link_lost(n, name);
      },
      [] { return target::checks{view_checks{bounds}}; }};
  bounds = {variant_uint(t, data, size, "active"),
            variant_uint(t, data, size, "passive")};
  return run(hyparview_types{}, t, data, size);
}
