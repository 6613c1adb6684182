// fuzz_pull: the pull protocol's handlers through the fake port (fuzz.hpp):
// stored entries always validate, and all it sends would pass a peer's gate.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gossip::fuzz;
  static const target t{"pull", {{}, {{"fanout", "2"}}}, {}, {}, {}};
  return run(pull_types{}, t, data, size);
}
