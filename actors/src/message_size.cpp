#include "gossip/message_size.hpp"

#include <caf/actor_system.hpp>
#include <caf/detail/serialized_size.hpp>
#include <caf/message.hpp>
#include <caf/type_erased_tuple.hpp>

#include "gossip/registry.hpp"

namespace gossip {

size_t message_size::of(const caf::type_erased_tuple& x) {
  if (x.size() != 1)
    return by_caf(x);
  // The type name depends on the type alone: measured once per type.
  auto type = x.type(0);
  auto t = types_.find(type);
  if (t == types_.end()) {
    sized_type st;
    if (type.second)
      if (auto s = find_sizer(*type.second))
        st.value = s->size;
    // (A type CAF cannot name fails before its value: no header then.)
    auto whole = by_caf(x);
    auto value = value_by_caf(x);
    st.header = whole > value ? whole - value : 0;
    t = types_.emplace(type, st).first;
  }
  auto& st = t->second;
  return st.header + (st.value ? st.value(x.get(0)) : value_by_caf(x));
}

size_t message_size::by_caf(const caf::type_erased_tuple& x) const {
  // As a message, with its type names, whatever x is: a message's content
  // arrives as a plain tuple when it was sent as values, and its save()
  // would leave the names out.
  caf::detail::serialized_size_inspector f{sys_};
  caf::message::save(f, x);
  return f.result();
}

size_t message_size::value_by_caf(const caf::type_erased_tuple& x) const {
  caf::detail::serialized_size_inspector f{sys_};
  x.save(0, f);
  return f.result();
}

} // namespace gossip
