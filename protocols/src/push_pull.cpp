#include "gossip/push_pull.hpp"

#include <caf/actor_system_config.hpp>

#include <map>

namespace gossip {

std::string validate(const push_pull_request& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.digest, lim),
                       check_count(m.entries.size(), lim, "entries"));
}

std::string validate(const push_pull_response& m, const limits& lim) {
  return check_batch(m.from, m.entries.size(), lim);
}

std::string validate(const push_pull_update& m, const limits& lim) {
  return check_batch(m.from, m.entries.size(), lim);
}

namespace {

const param_spec fanout{"fanout", "N", "1", "peers exchanged with each round", 1};
const param_spec hot{"hot", "N", "3", "rounds an entry counts as fresh and is pushed"};
const param_spec every{"every", "N", "1", "rounds between exchanges", 1};
const param_spec eager{"eager", "N", "0",
                       "forward a new entry at once to N peers (0: off)"};

class push_pull : public protocol {
public:
  explicit push_pull(const params& ps)
      : fanout_(ps.get_uint(fanout)), hot_rounds_(ps.get_uint(hot)),
        every_(ps.get_uint(every)), eager_(ps.get_uint(eager)) {}

  const char* name() const override { return "push-pull"; }

  void handlers(handler_set& hs) override {
    hs.on<push_pull_request>([this](port& p, const push_pull_request& m) {
      learn(p, m.from, m.entries);
      // An empty answer is still sent: the exchange is complete either way.
      auto newer = p.data().newer_than(m.digest);
      auto what = newer.empty() ? carries::control : carries::update;
      return reply_with(push_pull_response{p.self(), std::move(newer)}, what);
    });
    hs.on<push_pull_response>(
        [this](port& p, const push_pull_response& m) { learn(p, m.from, m.entries); });
    hs.on<push_pull_update>(
        [this](port& p, const push_pull_update& m) { learn(p, m.from, m.entries); });
  }

  void on_round(port& p) override {
    if (p.round() % every_ != 0)
      return;
    auto fresh = fresh_entries(p);
    auto what = fresh.empty() ? carries::control : carries::update;
    auto msg = wire(push_pull_request{p.self(), p.data().digest(), std::move(fresh)});
    for (auto& peer : p.sample(fanout_))
      p.send(peer, msg, what);
  }

  void on_local_write(port& p, const std::string& key) override {
    hot_[key] = p.round();
    spread(p, {}, {keyed_entry{key, *p.data().find(key)}});
  }

private:
  // The entries changed in the last hot_rounds_ rounds; older ones cool off.
  std::vector<keyed_entry> fresh_entries(port& p) {
    std::vector<keyed_entry> fresh;
    for (auto i = hot_.begin(); i != hot_.end();) {
      auto e = p.data().find(i->first);
      if (e == nullptr || i->second + hot_rounds_ < p.round()) {
        i = hot_.erase(i);
        continue;
      }
      fresh.push_back(keyed_entry{i->first, *e});
      ++i;
    }
    return fresh;
  }

  void learn(port& p, const std::string& from, const std::vector<keyed_entry>& xs) {
    std::vector<keyed_entry> fresh;
    for (auto& key : merge(p, from, xs)) {
      hot_[key] = p.round();
      if (eager_ > 0)
        fresh.push_back(keyed_entry{key, *p.data().find(key)});
    }
    spread(p, from, std::move(fresh));
  }

  // Eager mode: what is new here goes on at once (each node forwards an
  // entry once, when it first stores it).
  void spread(port& p, const std::string& from, std::vector<keyed_entry> fresh) {
    if (eager_ == 0 || fresh.empty())
      return;
    forward(p, eager_, wire(push_pull_update{p.self(), std::move(fresh)}), from);
  }

  size_t fanout_;
  uint64_t hot_rounds_;
  uint64_t every_;
  size_t eager_;
  std::map<std::string, uint64_t> hot_; // key -> round it last changed here
};

} // namespace

const protocol_info& push_pull_info() {
  static const protocol_info info =
      describe<push_pull, push_pull_request, push_pull_response, push_pull_update>(
          "push-pull", "exchange stores with fanout peers each round", "Karp et al. 2000",
          {fanout, hot, every, eager});
  return info;
}

} // namespace gossip
