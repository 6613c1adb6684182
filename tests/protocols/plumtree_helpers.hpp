// What the Plumtree test files share: a node set up among peers, its
// broadcasts, the messages peers send it, and a network of nodes over a
// fixed graph.
#pragma once

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fake_port.hpp"
#include "gossip/plumtree.hpp"

namespace gossip::test {

/// `a` runs plumtree (with `ps`) among `peers`.
inline protocol& setup(fake_node& a, std::vector<std::string> peers,
                       const params& ps = {}) {
  a.set_peers(std::move(peers));
  return a.add("plumtree", ps);
}

inline uint64_t broadcast(fake_node& n, std::string text = "news") {
  auto r = n.request(caf::make_message(broadcast_atom::value, std::move(text)));
  return r && as<uint64_t>(*r) ? *as<uint64_t>(*r) : 0;
}

inline plumtree_gossip gossip_from(std::string from, uint64_t id,
                                   std::string origin = "o") {
  return plumtree_gossip{std::move(from), rumor{std::move(origin), id, "text", 2, {}}};
}

inline plumtree_ihave ihave_from(std::string from, std::vector<uint64_t> ids) {
  plumtree_ihave m{std::move(from), {}};
  for (auto id : ids)
    m.ids.push_back(plumtree_id{"o", id, 3});
  return m;
}

inline std::string name_of(size_t i) {
  return "n" + std::to_string(i);
}

inline size_t index(const std::string& name) {
  return std::stoul(name.substr(1));
}

/// A network of plumtree nodes over a fixed symmetric graph.
class tree_net {
public:
  /// `protocols`: plumtree first (proto() is plumtree), then any others.
  tree_net(size_t n, const params& ps,
           const std::vector<std::string>& protocols = {"plumtree"})
      : adj(n) {
    for (size_t i = 0; i < n; ++i) {
      auto& node = net.add(name_of(i));
      for (auto& x : protocols)
        node.add(x, ps);
    }
  }
  fake_node& operator[](size_t i) { return net[name_of(i)]; }
  size_t size() const { return adj.size(); }

  /// A ring (so it is connected) and `chords` random other edges.
  void random_graph(size_t chords, unsigned seed) {
    auto edge = [&](size_t a, size_t b) {
      return a != b && adj[a].insert(b).second && adj[b].insert(a).second;
    };
    for (size_t i = 0; i < size(); ++i)
      edge(i, (i + 1) % size());
    for (std::mt19937 gen{seed}; chords > 0;) {
      auto a = gen() % size();
      chords -= edge(a, gen() % size()) ? 1 : 0;
    }
    apply();
  }
  void apply() {
    for (size_t i = 0; i < size(); ++i) {
      std::vector<std::string> names;
      for (auto j : adj[i])
        names.push_back(name_of(j));
      (*this)[i].set_peers(names);
    }
  }
  /// Cuts a link as an overlay would: out of both views, and lost.
  void cut(size_t a, size_t b) {
    adj[a].erase(b);
    adj[b].erase(a);
    apply();
    (*this)[a].proto().link_lost((*this)[a], name_of(b));
    (*this)[b].proto().link_lost((*this)[b], name_of(a));
  }

  template <class F> size_t sum(F f) {
    size_t n = 0;
    for (size_t i = 0; i < size(); ++i)
      n += f((*this)[i]);
    return n;
  }
  void clear() {
    for (size_t i = 0; i < size(); ++i)
      (*this)[i].clear_records();
  }
  /// A broadcast from `origin`, settled (eager pushes only: no round ran).
  uint64_t run(size_t origin) {
    auto id = broadcast((*this)[origin]);
    net.settle();
    return id;
  }
  void finish() {
    quiesce();
    clear();
  }
  template <class T> size_t count() {
    return sum([](fake_node& x) { return x.sent<T>().size() + x.replied<T>().size(); });
  }
  /// Nodes that delivered rumor `id` of `origin`.
  size_t reached(size_t origin, uint64_t id) {
    return sum([&](fake_node& x) {
      size_t n = 0;
      for (auto& ev : x.events_of(event_kind::delivered))
        n += ev.origin == name_of(origin) && ev.version == id ? 1 : 0;
      return n;
    });
  }
  /// Rounds until nothing is pending anywhere (at most `max`).
  void quiesce(size_t max = 20) {
    for (size_t r = 0; r < max && pending() > 0; ++r)
      net.round();
  }
  size_t pending() {
    return sum([](fake_node& x) { return x.pending(); });
  }
  /// Who each node got its copy from (for the last broadcast recorded).
  std::map<std::string, std::string> parents() {
    std::map<std::string, std::string> result;
    for (size_t i = 0; i < size(); ++i)
      for (auto& ev : (*this)[i].events_of(event_kind::delivered))
        result[name_of(i)] = ev.peer;
    return result;
  }
  /// Connected without the edge a-b (for a == b: without node a)?
  bool connected_without(size_t a, size_t b) {
    std::set<size_t> seen{0};
    for (std::vector<size_t> todo{0}; !todo.empty();) {
      auto x = todo.back();
      todo.pop_back();
      for (auto y : adj[x])
        if (!(a == b ? y == a : (x == a && y == b) || (x == b && y == a)) &&
            seen.insert(y).second)
          todo.push_back(y);
    }
    return seen.size() == size() - (a == b ? 1 : 0);
  }
  fake_network net;
  std::vector<std::set<size_t>> adj;
};

} // namespace gossip::test
