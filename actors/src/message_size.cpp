#include "gossip/message_size.hpp"

#include <caf/actor_system.hpp>
#include <caf/detail/serialized_size.hpp>
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
    st.header = by_caf(x) - value_by_caf(x);
    t = types_.emplace(type, st).first;
  }
  auto& st = t->second;
  return st.header + (st.value ? st.value(x.get(0)) : value_by_caf(x));
}

size_t message_size::by_caf(const caf::type_erased_tuple& x) const {
  caf::detail::serialized_size_inspector f{sys_};
  x.save(f);
  return f.result();
}

size_t message_size::value_by_caf(const caf::type_erased_tuple& x) const {
  caf::detail::serialized_size_inspector f{sys_};
  x.save(0, f);
  return f.result();
}

} // namespace gossip
