// message_size: a message's wire bytes, type names included, the same
// however the message reached the counter and in whichever order.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/serialized_size.hpp>
#include <caf/make_type_erased_tuple_view.hpp>
#include <caf/message.hpp>

#include <gtest/gtest.h>

#include "gossip/message_size.hpp"
#include "gossip/push.hpp"
#include "gossip/types.hpp"

namespace gossip {
namespace {

struct MessageSize : ::testing::Test {
  MessageSize() : sys(init(cfg)) {}
  static caf::actor_system_config& init(caf::actor_system_config& c) {
    register_types(c);
    c.set("scheduler.policy", caf::atom("testing"));
    return c;
  }
  size_t cafs(const caf::message& m) {
    caf::detail::serialized_size_inspector f{sys};
    m.save(f);
    return f.result();
  }
  caf::actor_system_config cfg;
  caf::actor_system sys;
  push_msg value{"sender-name",
                 {keyed_entry{"k", entry{"a value", 3, "origin", false, 0}}}};
};

TEST_F(MessageSize, CountsWhatCafCountsForAMessageOrItsValues) {
  auto msg = caf::make_message(value);
  auto whole = cafs(msg);
  EXPECT_GT(whole, cafs(caf::make_message()));
  // A message first, then the same content as a plain tuple (sent as values).
  message_size a{sys};
  EXPECT_EQ(a.of(msg), whole);
  EXPECT_EQ(a.of(caf::make_type_erased_tuple_view(value)), whole);
  // The other way round, on a fresh counter: the type name is counted too.
  message_size b{sys};
  EXPECT_EQ(b.of(caf::make_type_erased_tuple_view(value)), whole);
  EXPECT_EQ(b.of(msg), whole);
}

TEST_F(MessageSize, CountsMessagesOfSeveralValuesAndBuiltinTypesByCaf) {
  message_size s{sys};
  auto two = caf::make_message(std::string{"abc"}, uint64_t{7});
  EXPECT_EQ(s.of(two), cafs(two));
  auto one = caf::make_message(std::string(300, 'x'));
  EXPECT_EQ(s.of(one), cafs(one));
  EXPECT_EQ(s.of(one), cafs(one)); // the second time from what it keeps
}

} // namespace
} // namespace gossip
