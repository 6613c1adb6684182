// Wire types: every type nodes exchange names itself once (`wire_name`), and
// that one name serves both CAF's inspect (what goes on the wire) and the
// registration with the actor system.
//
//   struct push_msg {
//     GOSSIP_WIRE("gossip::push_msg", from, entries)
//     std::string from;
//     std::vector<keyed_entry> entries;
//   };
#pragma once

#include <caf/meta/type_name.hpp>

#include <type_traits>

#define GOSSIP_WIRE(name, ...)                                                           \
  static constexpr const char* wire_name = name;                                         \
  template <class F> auto wire_fields(F&& f) {                                           \
    return f(__VA_ARGS__);                                                               \
  }

namespace gossip {

template <class T, class = void> struct is_wire_type : std::false_type {};

template <class T>
struct is_wire_type<T, std::void_t<decltype(T::wire_name)>> : std::true_type {};

/// CAF's inspect for every wire type (found by argument-dependent lookup).
template <class Inspector, class T>
std::enable_if_t<is_wire_type<T>::value, typename Inspector::result_type>
inspect(Inspector& f, T& x) {
  return x.wire_fields(
      [&](auto&... xs) { return f(caf::meta::type_name(T::wire_name), xs...); });
}

/// Registers wire types with an actor_system_config under their wire names.
template <class... Ts, class Config> void add_wire_types(Config& cfg) {
  (cfg.template add_message_type<Ts>(Ts::wire_name), ...);
}

} // namespace gossip
