// fuzz_push_pull: the push-pull protocol's handlers through the fake port (fuzz.hpp):
// stored entries always validate, and all it sends would pass a peer's gate.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gossip::fuzz;
  static const target t{
      "push-pull",
      {{}, {{"eager", "2"}, {"hot", "1"}}, {{"every", "2"}, {"fanout", "2"}}},
      {},
      {},
      {}};
  return run(push_pull_types{}, t, data, size);
}
