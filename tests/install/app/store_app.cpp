// Uses caf-gossip::protocols only: two stores reconcile, and the registry
// builds a protocol by name.
#include <iostream>

#include "gossip/registry.hpp"
#include "gossip/store.hpp"

int main() {
  gossip::store a;
  gossip::store b;
  a.put("greeting", "hello", "a");
  b.put("other", "x", "b");
  auto changed = b.merge(a);
  auto* v = b.get("greeting");
  if (changed != 1 || v == nullptr || *v != "hello" || b.size() != 2) {
    std::cerr << "store-app: merge went wrong\n";
    return 1;
  }
  auto p = gossip::make_protocol("push-pull", gossip::params{});
  if (!p) {
    std::cerr << "store-app: no push-pull protocol\n";
    return 1;
  }
  std::cout << "store-app: merged greeting = '" << *v
            << "'; protocols: " << gossip::protocol_names() << "\n";
  return 0;
}
