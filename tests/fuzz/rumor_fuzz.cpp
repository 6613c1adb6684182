// fuzz_rumor: the rumor protocol's handlers through the fake port (fuzz.hpp):
// stored entries always validate, and all it sends would pass a peer's gate.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gossip::fuzz;
  static const target t{"rumor",
                        {{},
                         {{"mode", "pull"}},
                         {{"mode", "push-pull"}, {"blind", "true"}, {"coin", "2"}},
                         {{"connection-limit", "1"}, {"counter", "2"}}},
                        {},
                        {},
                        {}};
  return run(rumor_types{}, t, data, size);
}
