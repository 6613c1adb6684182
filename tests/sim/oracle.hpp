// The oracle for gossip-sim: a direct model of each process in the papers'
// synchronous rounds (no actors, no protocol code). In round r every node
// acts on what it knew at the start of r; what it learns in r counts from
// r + 1. One update, one origin, fanout 1, uniform peers (never oneself).
#pragma once

#include <cstddef>
#include <cstdint>

namespace oracle {

enum class model {
  push,             // every informed node pushes to one peer
  pull,             // every node asks one peer; an informed peer answers
  push_pull,        // both; a node pushes only while the news is hot
  feedback_counter, // rumor mongering: lose interest after k contacts in a row that knew
  blind_coin,       // rumor mongering: lose interest with probability 1/k a push
};

struct spec {
  model what = model::push;
  size_t nodes = 1000;
  uint64_t k = 1;   // counter or coin
  uint64_t hot = 3; // push-pull: rounds news is pushed after it arrived
  size_t max_rounds = 200;
};

/// gossip-sim's measures, defined as it defines them.
struct outcome {
  double rounds = 0;  // until all knew it, or until it died out
  double residue = 0; // fraction that never knew it
  double traffic = 0; // update-carrying messages per node
};

outcome run(const spec& s, uint64_t seed);

} // namespace oracle
