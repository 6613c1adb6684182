#include "world.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

#include <deque>
#include <stdexcept>

#include "gossip/event.hpp"
#include "gossip/registry.hpp"
#include "gossip/types.hpp"
#include "world_node.hpp"

namespace gossip::sim {

namespace {

enum class kind : uint8_t {
  message,   // from a node, or from outside (a request to the protocols' api)
  round,     // asynchronous rounds: the round's trigger, queued like any message
  down,      // a watched node stopped (msg: nothing; from: that node)
  link_lost, // the node's own "link lost" (msg: the peer's name)
};

// One queued message. Letters are recycled: no allocation per message but
// the message itself.
struct letter {
  letter* next = nullptr;
  size_t from = 0;
  uint64_t bytes = 0;
  kind what = kind::message;
  caf::message msg;
};

} // namespace

// One mailbox per node, and the nodes with mail in the order they got it:
// what CAF's test coordinator keeps (a job queue of actors, each resumed
// until its mailbox is empty), so messages are handled in the same order.
struct world::queues {
  explicit queues(size_t n) : boxes(n), stopped(n) {}

  letter* take() {
    if (!spare) {
      chunks.emplace_back(std::make_unique<letter[]>(chunk));
      for (size_t i = 0; i < chunk; ++i) {
        chunks.back()[i].next = spare;
        spare = &chunks.back()[i];
      }
    }
    auto l = spare;
    spare = l->next;
    l->next = nullptr;
    l->from = 0;
    l->bytes = 0;
    l->what = kind::message;
    return l;
  }

  void give_back(letter* l) {
    l->msg = caf::message{};
    l->next = spare;
    spare = l;
  }

  // A letter goes into its mailbox a few sends later than it is posted:
  // the receiver's mailbox, a cache miss at 100,000 nodes, is fetched in
  // the meantime. Letters are linked in the order they were posted, and all
  // of them before anyone finds a mailbox or the queue of nodes empty
  // (link_all), so every mailbox and the queue of nodes read exactly as if
  // each letter had gone in at once.
  void enqueue(size_t to, letter* l) {
    __builtin_prefetch(&boxes[to], 1);
    if (in_flight == lag)
      link_oldest();
    flight[(first + in_flight++) % lag] = {to, l};
  }

  void link_all() {
    while (in_flight > 0)
      link_oldest();
  }

  void link_oldest() {
    auto [to, l] = flight[first];
    first = (first + 1) % lag;
    --in_flight;
    auto& b = boxes[to];
    if (b.tail)
      b.tail->next = l;
    else
      b.head = l;
    b.tail = l;
    if (!b.scheduled) {
      b.scheduled = true;
      ready.push_back(to);
    }
  }

  letter* pop(size_t i) {
    auto& b = boxes[i];
    if (!b.head)
      link_all(); // one may be on its way
    auto l = b.head;
    if (l) {
      b.head = l->next;
      if (!b.head)
        b.tail = nullptr;
    }
    return l;
  }

  // A node's mailbox.
  struct box {
    letter* head = nullptr;
    letter* tail = nullptr;
    bool scheduled = false; // queued in `ready`, or being delivered to
  };

  static constexpr size_t chunk = 4096;
  static constexpr size_t lag = 8; // letters posted but not yet linked
  std::vector<box> boxes;
  /// Apart from the mailboxes: a send checks it before the mailbox is near.
  std::vector<uint8_t> stopped;
  struct posted {
    size_t to;
    letter* l;
  };
  posted flight[lag];
  size_t first = 0, in_flight = 0;
  std::deque<size_t> ready;
  letter* spare = nullptr;
  std::vector<std::unique_ptr<letter[]>> chunks;
};

world::world(world_options opts) : opts_(std::move(opts)) {
  if (opts_.nodes == 0)
    throw std::invalid_argument("a cluster needs at least one node");
  q_ = std::make_unique<queues>(opts_.nodes);
  cfg_ = std::make_unique<caf::actor_system_config>();
  register_types(*cfg_);
  cfg_->set("scheduler.policy", caf::atom("testing")); // no threads
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  size_ = std::make_unique<message_size>(*sys_);
  auto dir = std::make_shared<directory>();
  for (size_t i = 0; i < opts_.nodes; ++i) {
    dir->names.push_back(std::to_string(i));
    if (opts_.labels_of)
      dir->labels.push_back(opts_.labels_of(i));
  }
  dir->numbered = true; // node i is named std::to_string(i)
  dir_ = std::move(dir);
  nodes_.reserve(opts_.nodes);
  for (size_t i = 0; i < opts_.nodes; ++i)
    nodes_.push_back(std::make_unique<world_node>(
        *this, i, make_protocols(opts_.protocol, opts_.protocol_params), dir_));
}

world::~world() = default;

size_t world::size() const {
  return nodes_.size();
}

std::string world::name(size_t i) const {
  return std::to_string(i);
}

size_t world::find(const std::string& name) const {
  auto j = dir_->find(name);
  return j == directory::npos ? size() : j;
}

const std::map<std::string, std::string>* world::labels(size_t i) const {
  return i < dir_->labels.size() ? &dir_->labels[i] : nullptr;
}

bool world::stopped(size_t i) const {
  return q_->stopped[i];
}

void world::run_round() {
  if (!opts_.synchronous) {
    // Each node gets its round's trigger in its mailbox, behind nothing: it
    // handles the round's messages queued behind its own trigger,
    // interleaved with the other nodes' rounds.
    for (size_t i = 0; i < size(); ++i)
      if (!stopped(i)) {
        auto l = q_->take();
        l->what = kind::round;
        q_->enqueue(i, l);
      }
    settle();
    return;
  }
  // Every node runs its round before any message of the round is handled.
  in_turn([](world_node& n) { n.run_round(); });
  settle();
  in_turn([](world_node& n) { n.end_round(); });
  settle();
}

template <class F> void world::in_turn(F f) {
  // Node after node, the next ones' memory fetched ahead (settle).
  for (size_t i = 0; i < size(); ++i) {
    for (int stage = 0; stage < prefetch_stages; ++stage)
      if (i + ahead[stage] < size())
        prefetch(i + ahead[stage], stage);
    f(*nodes_[i]);
  }
}

void world::settle() {
  auto& q = *q_;
  for (;;) {
    if (q.ready.empty())
      q.link_all();
    if (q.ready.empty())
      break;
    // The nodes about to be delivered to are known: their memory is fetched
    // ahead, a cache miss hidden behind each delivery (at 100,000 nodes and
    // more, nearly every node's state has left the cache since its last turn).
    for (int stage = 0; stage < prefetch_stages; ++stage)
      if (q.ready.size() > ahead[stage])
        prefetch(q.ready[ahead[stage]], stage);
    auto i = q.ready.front();
    q.ready.pop_front();
    deliver(i);
    q.boxes[i].scheduled = false;
  }
}

void world::prefetch(size_t i, int stage) const {
  // Each stage reads only what an earlier stage fetched, so that it does not
  // wait for memory itself.
  auto& n = *nodes_[i];
  auto& b = q_->boxes[i];
  switch (stage) {
  case 0:
    n.prefetch(0);
    __builtin_prefetch(&b);
    break;
  case 1:
    n.prefetch(1);
    if (b.head)
      __builtin_prefetch(b.head);
    break;
  default:
    n.prefetch(2);
    if (b.head)
      if (auto d = b.head->msg.cvals().get())
        __builtin_prefetch(d);
  }
}

void world::deliver(size_t i) {
  auto& n = *nodes_[i];
  while (auto l = q_->pop(i)) {
    if (l->next) // its next letter's message, while this one is handled
      if (auto d = l->next->msg.cvals().get())
        __builtin_prefetch(d);
    switch (l->what) {
    case kind::message:
      n.handle(l->from, l->msg, l->bytes);
      break;
    case kind::round:
      n.run_round();
      break;
    case kind::down:
      n.lost_watched(l->from);
      break;
    case kind::link_lost:
      n.link_lost(l->msg.get_as<std::string>(0));
      break;
    }
    q_->give_back(l);
  }
}

void world::put(size_t i, const std::string& key, const std::string& value) {
  nodes_.at(i)->put(key, value);
  settle();
}

void world::tell(size_t i, const caf::message& request) {
  post(size(), i, request, 0);
}

void world::post(size_t from, size_t to, const caf::message& msg, uint64_t bytes) {
  if (stopped(to))
    return; // a stopped node's mailbox is closed
  auto l = q_->take();
  l->from = from;
  l->bytes = bytes;
  l->msg = msg;
  q_->enqueue(to, l);
}

void world::post_link_lost(size_t to, const std::string& peer) {
  auto l = q_->take();
  l->what = kind::link_lost;
  l->msg = caf::make_message(peer);
  q_->enqueue(to, l);
}

void world::watch(size_t watcher, size_t watched) {
  if (watchers_.empty())
    watchers_.resize(size());
  if (stopped(watched)) { // monitoring a stopped actor: told at once
    auto l = q_->take();
    l->what = kind::down;
    l->from = watched;
    q_->enqueue(watcher, l);
    return;
  }
  watchers_[watched].push_back(watcher);
}

void world::unwatch(size_t watcher, size_t watched) {
  if (watchers_.empty())
    return;
  auto& ws = watchers_[watched];
  for (auto i = ws.rbegin(); i != ws.rend(); ++i)
    if (*i == watcher) {
      ws.erase(std::next(i).base());
      return;
    }
}

void world::crash(const std::vector<size_t>& victims) {
  // Each stops in turn and its watchers are told, the latest first.
  for (auto v : victims) {
    if (stopped(v))
      continue;
    nodes_[v]->crash();
    q_->link_all();
    q_->stopped[v] = true;
    while (auto l = q_->pop(v))
      q_->give_back(l);
    if (watchers_.empty())
      continue;
    auto ws = std::move(watchers_[v]);
    watchers_[v].clear();
    for (auto i = ws.rbegin(); i != ws.rend(); ++i)
      if (!stopped(*i)) {
        auto l = q_->take();
        l->what = kind::down;
        l->from = v;
        q_->enqueue(*i, l);
      }
  }
  settle();
}

node_internals world::peek(size_t i) const {
  return nodes_.at(i)->internals();
}

void world::observe(const std::vector<size_t>& nodes,
                    std::function<void(const event&)> f) {
  observer_ = std::move(f);
  for (auto i : nodes)
    nodes_.at(i)->observe();
}

uint64_t world::size_of(const caf::message& msg) {
  // What accounting.cpp counts: the message as it goes on the wire, type
  // names and values. One entry for the whole world: a message sent to many
  // peers is sent to all of them in a row.
  if (msg.cvals() && msg.cvals() == sized_.cvals())
    return sized_bytes_;
  sized_ = msg;
  sized_bytes_ = size_->of(msg);
  return sized_bytes_;
}

void world::emit(const event& ev) const {
  if (observer_)
    observer_(ev);
}

} // namespace gossip::sim
