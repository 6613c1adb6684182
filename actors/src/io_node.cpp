#include "io_node.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>

// The state's parts, complete for the actor's destructor.
#include "node_port.hpp"
#include "replicator.hpp"

namespace gossip {

namespace {

// CAF resumes an actor on the execution unit its waker names; a broker names
// the multiplexer for every message, whoever sends it, and so does this
// actor. The multiplexer then resumes it in its own loop, as it does a
// broker (subtype io_actor), and what it sends to a remote peer reaches
// BASP, another broker there, without waking any thread.
class io_node : public node_actor {
public:
  io_node(caf::actor_config& cfg, std::function<caf::behavior(node_actor*)> make)
      : node_actor(cfg), make_(std::move(make)),
        mpx_(&home_system().middleman().backend()) {}

  // Called once: the factory (and what it holds) goes with the call.
  caf::behavior make_behavior() override {
    auto make = std::move(make_);
    return make(this);
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit*) override {
    node_actor::enqueue(std::move(ptr), mpx_);
  }

  void enqueue(caf::strong_actor_ptr src, caf::message_id mid, caf::message msg,
               caf::execution_unit*) override {
    enqueue(caf::make_mailbox_element(std::move(src), mid, {}, std::move(msg)), mpx_);
  }

  void launch(caf::execution_unit*, bool lazy, bool hide) override {
    node_actor::launch(mpx_, lazy, hide);
  }

  subtype_t subtype() const override { return io_actor; }

private:
  std::function<caf::behavior(node_actor*)> make_;
  caf::execution_unit* mpx_;
};

} // namespace

caf::actor spawn_on_io_thread(caf::actor_system& sys,
                              std::function<caf::behavior(node_actor*)> make) {
  return sys.spawn<io_node>(std::move(make));
}

} // namespace gossip
