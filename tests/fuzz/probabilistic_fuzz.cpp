// fuzz_probabilistic: GOSSIP1(p, k) through the fake port (fuzz.hpp), with
// broadcasts as its api step: what it sends would pass a peer's gate, and a
// rumor it forwards has travelled at least one hop.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gossip;
  using namespace gossip::fuzz;
  static const target t{
      "probabilistic",
      {{},
       {{"p", "0.5"}, {"k", "2"}},
       {{"defer", "true"}, {"repeat", "2"}, {"remember", "2"}}},
      {},
      [](reader& in, test::fake_node& n) {
        std::string text;
        if (in.read(text))
          n.request(caf::make_message(broadcast_atom::value, std::move(text)));
      },
      [] {
        return [](test::fake_node& n, const caf::message*) {
          for (auto& m : n.sent<rumor_msg>())
            require(m.rumor.hops > 0, "a forwarded rumor that travelled no hop");
        };
      }};
  return run(probabilistic_types{}, t, data, size);
}
