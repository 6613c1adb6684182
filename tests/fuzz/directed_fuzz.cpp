// fuzz_directed: directed gossip through the fake port (fuzz.hpp), with
// subscribers among the peers and broadcasts (topic, text) as its api step:
// what it sends would pass a peer's gate, and a rumor it forwards has
// travelled at least one hop.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gossip;
  using namespace gossip::fuzz;
  static const target t{
      "directed",
      {{}, {{"defer", "true"}, {"remember", "1"}}, {{"random", "0.5"}, {"fanout", "1"}}},
      [](test::fake_node& n) {
        n.set_label(n.self(), "topics", "news");
        n.set_label("a", "topics", "news+sports");
        n.set_label("b", "topics", "sports");
      },
      [](reader& in, test::fake_node& n) {
        std::string topic, text;
        if (in.read(topic) && in.read(text))
          n.request(caf::make_message(broadcast_atom::value, std::move(topic),
                                      std::move(text)));
      },
      [] {
        return [](test::fake_node& n, const caf::message*) {
          for (auto& m : n.sent<directed_msg>())
            require(m.rumor.hops > 0, "a forwarded rumor that travelled no hop");
        };
      }};
  return run(directed_types{}, t, data, size);
}
