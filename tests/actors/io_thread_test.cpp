// A node on the middleman's I/O thread (node_config::io_thread): it is
// resumed by the multiplexer whoever wakes it, never by a scheduler thread.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include <future>
#include <stdexcept>
#include <vector>

#include "gossip/atoms.hpp"
#include "gossip/in_process.hpp"
#include "gossip/node.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"

using namespace gossip;
using namespace std::chrono_literals;

namespace {

struct config : caf::actor_system_config {
  config() {
    register_types(*this);
    load<caf::io::middleman>();
    set("scheduler.max-threads", size_t{1});
  }
};

// Holds the scheduler's only thread until `release` is set.
caf::behavior blocker(caf::event_based_actor*, std::shared_ptr<std::promise<void>> busy,
                      std::shared_future<void> release) {
  return {[=](caf::tick_atom) {
    busy->set_value();
    release.wait();
  }};
}

// The version a put answers with, 0 when no answer came within 10 s.
uint64_t put(caf::actor_system& sys, const caf::actor& node) {
  uint64_t version = 0;
  caf::scoped_actor self{sys};
  self->request(node, 10s, caf::put_atom::value, std::string{"k"}, std::string{"v"})
      .receive([&](uint64_t v) { version = v; }, [](caf::error&) {});
  return version;
}

// Ends what a test started on every way out, a failed ASSERT too: a
// blocker still held, or a node still running, would keep the actor
// system's destructor waiting forever.
struct ending {
  std::promise<void> release;
  std::vector<caf::actor> actors;
  bool released = false;
  void let_go() {
    if (!released) {
      released = true;
      release.set_value();
    }
  }
  ~ending() {
    let_go();
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
};

} // namespace

// With every scheduler thread held, a node on the scheduler could not run;
// one on the I/O thread still starts, takes a write and answers it.
TEST(IoThread, ANodeAnswersWhileTheSchedulerIsHeld) {
  config cfg;
  caf::actor_system sys{cfg};
  ending end;
  auto busy = std::make_shared<std::promise<void>>();
  end.actors.push_back(sys.spawn(blocker, busy, end.release.get_future().share()));
  caf::anon_send(end.actors.back(), caf::tick_atom::value);
  ASSERT_EQ(busy->get_future().wait_for(10s), std::future_status::ready);
  node_config nc;
  nc.name = "a";
  nc.io_thread = true;
  end.actors.push_back(spawn_node(sys, nc, make_protocols("push", params{})));
  EXPECT_GT(put(sys, end.actors.back()), 0u);
}

// Off the I/O thread once the scheduler is free again: both kinds of node
// live in one system and gossip with each other.
TEST(IoThread, ANodeOnTheIoThreadAndOneOnTheSchedulerTalk) {
  config cfg;
  caf::actor_system sys{cfg};
  node_config nc;
  nc.interval = 20ms;
  nc.name = "a";
  nc.io_thread = true;
  ending end;
  auto a = spawn_node(sys, nc, make_protocols("push", params{}));
  nc.name = "b";
  nc.io_thread = false;
  auto b = spawn_node(sys, nc, make_protocols("push", params{}));
  end.actors = {a, b};
  caf::anon_send(a, in_process, caf::join_atom::value, peer{"b", b});
  caf::anon_send(b, in_process, caf::join_atom::value, peer{"a", a});
  ASSERT_GT(put(sys, a), 0u);
  // Event-driven: b's answer to a get, up to 10 s.
  bool found = false;
  caf::scoped_actor self{sys};
  for (int i = 0; i < 500 && !found; ++i) {
    self->request(b, 10s, caf::get_atom::value, std::string{"k"})
        .receive([&](bool f, const std::string& v) { found = f && v == "v"; },
                 [](caf::error&) {});
    if (!found)
      std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(found);
}

// Without a middleman there is no I/O thread: a bad config, as any other.
TEST(IoThread, ANodeOnTheIoThreadNeedsAMiddleman) {
  caf::actor_system_config cfg;
  register_types(cfg);
  caf::actor_system sys{cfg};
  node_config nc;
  nc.name = "a";
  nc.io_thread = true;
  EXPECT_THROW(spawn_node(sys, nc, make_protocols("push", params{})),
               std::invalid_argument);
}
