// The bytes a wire type's value takes in CAF 0.17's binary format, what
// caf::detail::serialized_size_inspector counts, computed from the type at
// compile time: no virtual call and no caf::error per field. A simulation
// counts every message's bytes (gossip-sim's bytes_per_node); CAF's inspector
// was a tenth of its time at 100,000 nodes.
//
// The format, as CAF 0.17's data_processor writes it: integers and floats in
// their size (bool and enums as their underlying integer), a string or a
// container as its length in varbyte (7 bits a byte, of the length cut to 32
// bits) and then its elements, a pair as its two halves, a wire type as its
// fields in order. Only the value: the type's name in front of it is CAF's
// to count. tests/protocols/wire_size_test.cpp holds every protocol's wire
// types to CAF's own count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gossip/wire.hpp"

namespace gossip {

inline size_t varbyte_size(size_t n) {
  auto x = static_cast<uint32_t>(n);
  size_t bytes = 1;
  for (; x > 0x7f; x >>= 7)
    ++bytes;
  return bytes;
}

template <class T> size_t wire_size(const T& x);

inline size_t wire_size(const std::string& x) {
  return varbyte_size(x.size()) + x.size();
}

template <class T> size_t wire_size(const std::vector<T>& xs) {
  static_assert(!std::is_same_v<T, bool>, "CAF packs vector<bool>: not measured here");
  auto bytes = varbyte_size(xs.size());
  for (auto& x : xs)
    bytes += wire_size(x);
  return bytes;
}

template <class K, class V> size_t wire_size(const std::map<K, V>& xs) {
  auto bytes = varbyte_size(xs.size());
  for (auto& [k, v] : xs)
    bytes += wire_size(k) + wire_size(v);
  return bytes;
}

template <class F, class S> size_t wire_size(const std::pair<F, S>& x) {
  return wire_size(x.first) + wire_size(x.second);
}

template <class T> size_t wire_size(const T& x) {
  if constexpr (std::is_enum_v<T>) {
    return sizeof(std::underlying_type_t<T>);
  } else if constexpr (std::is_arithmetic_v<T>) {
    static_assert(!std::is_same_v<T, long double>, "CAF writes long double as text");
    return sizeof(T);
  } else {
    static_assert(is_wire_type<T>::value, "not a type wire_size knows");
    // wire_fields hands out references to write through; nothing is written.
    return const_cast<T&>(x).wire_fields(
        [](const auto&... fields) { return (size_t{0} + ... + wire_size(fields)); });
  }
}

// -- values to test it with ---------------------------------------------------

/// Sets every field of x from `rng`: strings of lengths that cross the
/// varbyte steps, containers of zero to three elements. For the tests that
/// hold wire_size to CAF's count.
template <class T> void fill_example(T& x, std::mt19937_64& rng);

inline void fill_example(std::string& x, std::mt19937_64& rng) {
  static constexpr size_t lengths[] = {0, 1, 7, 127, 128, 300, 16383, 16384};
  x.assign(lengths[rng() % std::size(lengths)], 'x');
}

inline void fill_example(bool& x, std::mt19937_64& rng) {
  x = rng() % 2 == 1;
}

template <class T> void fill_example(std::vector<T>& xs, std::mt19937_64& rng) {
  xs.resize(rng() % 4);
  for (auto& x : xs)
    fill_example(x, rng);
}

template <class K, class V> void fill_example(std::map<K, V>& xs, std::mt19937_64& rng) {
  xs.clear();
  for (auto n = rng() % 4; n > 0; --n) {
    K k;
    fill_example(k, rng);
    fill_example(xs[k], rng);
  }
}

template <class T> void fill_example(T& x, std::mt19937_64& rng) {
  if constexpr (std::is_enum_v<T>) {
    x = static_cast<T>(rng() % 4);
  } else if constexpr (std::is_arithmetic_v<T>) {
    x = static_cast<T>(rng());
  } else {
    x.wire_fields([&rng](auto&... fields) {
      (fill_example(fields, rng), ...);
      return 0;
    });
  }
}

} // namespace gossip
