// fuzz_anti_entropy: the anti-entropy protocol's handlers through the fake port
// (fuzz.hpp): stored entries always validate, and all it sends would pass a peer's gate.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gossip::fuzz;
  static const target t{"anti-entropy",
                        {{},
                         {{"gc", "2"}, {"budget", "64"}},
                         {{"fanout", "2"}, {"gc", "1"}, {"budget", "1"}}},
                        {},
                        {},
                        {}};
  return run(anti_entropy_types{}, t, data, size);
}
