// The node's write path: a put or delete is checked, stored, committed to
// the data directory before its "ok", reported and spread; with a level it
// is answered once enough members hold it (replicator.cpp).
#include "node_writes.hpp"

#include "gossip/metrics.hpp"
#include "node_port.hpp"
#include "replicator.hpp"

namespace gossip {

namespace {

// A write this node just made: reported and spread by the protocols.
uint64_t spread_local_write(node_actor* self, const std::string& key) {
  auto& st = self->state;
  auto& e = *st.data.find(key);
  if (st.port->observed())
    st.port->emit(stored_event(key, e));
  for (auto& p : st.protocols)
    p->on_local_write(*st.port, key);
  return e.version;
}

// The write is in the store (and spreads) but its commit failed: the
// writer must not take it as durable.
caf::error not_durable(const std::string& why) {
  return caf::make_error(caf::sec::runtime_error,
                         "written in memory only, not to the data dir: " + why);
}

} // namespace

// Commits what changed to the data directory, if there is one; empty on
// success, else why (reported once on stderr).
std::string persist(node_actor* self, durability how) {
  auto& st = self->state;
  if (!st.disk)
    return {};
  auto err = st.disk->flush(st.data, how);
  if (!err.empty())
    st.acct->log_once("data dir", err);
  return err;
}

caf::result<uint64_t> put(node_actor* self, const std::string& key,
                          const std::string& value) {
  auto& st = self->state;
  auto err =
      validate(keyed_entry{key, entry{value, 1, st.cfg.name, false, 0}}, st.cfg.limits);
  if (!err.empty())
    return caf::make_error(caf::sec::invalid_argument, err);
  if (!st.data.can_write())
    return caf::make_error(caf::sec::runtime_error, "the store's clock is exhausted");
  if (auto full = st.data.quota_refusal(key, value.size(), st.cfg.limits); !full.empty())
    return caf::make_error(caf::sec::runtime_error, full);
  st.data.put(key, value, st.cfg.name, st.port->now_ms(), wall_ms());
  // Durable before its "ok" (and before it spreads).
  auto failed = persist(self, durability::synced);
  auto version = spread_local_write(self, key);
  if (!failed.empty())
    return not_durable(failed);
  return version;
}

caf::result<bool> erase(node_actor* self, const std::string& key) {
  auto& st = self->state;
  if (!st.data.can_write() ||
      !st.data.erase(key, st.cfg.name, st.port->now_ms(), wall_ms()))
    return false;
  auto err = persist(self, durability::synced);
  spread_local_write(self, key);
  if (!err.empty())
    return not_durable(err);
  return true;
}

// A write with a level: made as any other, then reported once enough
// members hold it (replicator.cpp).
caf::result<hold_report> put_with_level(node_actor* self, const std::string& key,
                                        const std::string& value,
                                        const write_level& level) {
  auto& r = *self->state.replicas;
  if (auto err = r.refusal(level); !err.empty())
    return caf::make_error(caf::sec::invalid_argument, err);
  auto written = put(self, key, value);
  if (written.flag == caf::rt_error)
    return std::move(written.err);
  return r.replicate(key, level);
}

caf::result<hold_report> erase_with_level(node_actor* self, const std::string& key,
                                          const write_level& level) {
  auto& r = *self->state.replicas;
  if (auto err = r.refusal(level); !err.empty())
    return caf::make_error(caf::sec::invalid_argument, err);
  auto erased = erase(self, key);
  if (erased.flag == caf::rt_error)
    return std::move(erased.err);
  if (!erased.value.get_as<bool>(0))
    return hold_report{}; // nothing to delete: nothing written
  return r.replicate(key, level);
}

} // namespace gossip
