// Protocols by name. Each protocol describes itself in its own file (a
// protocol_info: name, summary, reference, parameter specs, factory, wire
// types); adding one is one line in registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gossip/params.hpp"
#include "gossip/protocol.hpp"
#include "gossip/wire_size.hpp"

namespace caf {
class actor_system_config;
}

namespace gossip {

/// How big one message type's value is on the wire (wire_size.hpp), for
/// whoever counts bytes without CAF's inspector.
struct wire_sizer {
  const std::type_info* type;
  /// The bytes of a value of this type (a message's element).
  size_t (*size)(const void* value);
  /// A message of this type, every field set from `seed` (fill_example):
  /// for the tests that hold `size` to CAF's count.
  caf::message (*example)(uint64_t seed);
};

template <class T> wire_sizer sizer_of() {
  return {&typeid(T), [](const void* x) { return wire_size(*static_cast<const T*>(x)); },
          [](uint64_t seed) {
            std::mt19937_64 rng{seed};
            T x;
            fill_example(x, rng);
            return caf::make_message(std::move(x));
          }};
}

struct protocol_info {
  const char* name;
  const char* summary;
  const char* reference;
  /// Every parameter it reads, declared once.
  std::vector<param_spec> params;
  /// Reads only the parameters above; throws std::invalid_argument.
  std::unique_ptr<protocol> (*make)(const gossip::params&);
  /// Registers the protocol's message types with CAF (needed across processes).
  void (*add_types)(caf::actor_system_config&);
  /// Its message types' sizes, one per type.
  std::vector<wire_sizer> sizers;
};

/// A protocol_info for a Protocol constructed from its parameters, with
/// wire types Messages.
template <class Protocol, class... Messages>
protocol_info describe(const char* name, const char* summary, const char* reference,
                       std::vector<param_spec> specs) {
  return {name,
          summary,
          reference,
          std::move(specs),
          [](const params& ps) -> std::unique_ptr<protocol> {
            return std::make_unique<Protocol>(ps);
          },
          [](caf::actor_system_config& cfg) { add_wire_types<Messages...>(cfg); },
          {sizer_of<Messages>()...}};
}

const std::vector<protocol_info>& all_protocols();

/// The protocol named `name`, or nullptr.
const protocol_info* find_protocol(const std::string& name);

/// Throws std::invalid_argument for an unknown name or a bad parameter.
std::unique_ptr<protocol> make_protocol(const std::string& name, const params& ps);

/// Several protocols from a comma-separated list, e.g. "swim,push-pull".
std::vector<std::unique_ptr<protocol>> make_protocols(const std::string& names,
                                                      const params& ps);

/// Names of all protocols, comma-separated, for help texts and errors.
std::string protocol_names();

/// The sizer of a protocol's message type, or nullptr.
const wire_sizer* find_sizer(const std::type_info& type);

/// Registers every protocol's message types.
void add_protocol_types(caf::actor_system_config& cfg);

/// The README's parameter table (Markdown), made from the specs.
std::string parameter_table();

} // namespace gossip
