// fuzz_wire: bytes from a peer into every registered wire type. The first
// byte picks the type, the rest is deserialized as CAF would a message's
// element. Whatever arrives, deserializing must fail cleanly or give a value
// that validation can judge and that survives a round trip unchanged; and no
// allocation may outgrow the bytes (run with -malloc_limit_mb).
#include "targets.hpp"

namespace {

using namespace gossip;
using namespace gossip::fuzz;

template <class T> void one(const uint8_t* data, size_t size) {
  reader in{data, size};
  T x;
  if (!in.read(x))
    return;
  if constexpr (has_validate<T>::value)
    (void)validate(x, limits{});
  // What a node would send on: serialize, deserialize, serialize again.
  auto bytes = to_bytes(x);
  reader again{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
  T y;
  require(bytes.empty() || again.read(y), "a serialized value does not deserialize");
  require(again.remaining() == 0, "a serialized value leaves bytes behind");
  require(to_bytes(y) == bytes, "a value changes on a round trip");
}

template <class... Ts>
void pick(types<Ts...>, uint8_t which, const uint8_t* data, size_t size) {
  uint8_t i = 0;
  ((i++ == which ? one<Ts>(data, size) : void()), ...);
}

template <class... Ts> constexpr uint8_t count(types<Ts...>) {
  return sizeof...(Ts);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  pick(wire_types{}, data[0] % count(wire_types{}), data + 1, size - 1);
  return 0;
}
