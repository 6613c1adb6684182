#include "gossip/directed.hpp"

#include <caf/actor_system_config.hpp>

#include <map>
#include <set>

#include "gossip/rumor_window.hpp"

namespace gossip {

bool subscribed(const std::string& topics, const std::string& topic) {
  // ',' or '+' separate topics ('+' fits inside gossip-node's --meta list).
  size_t start = 0;
  while (start <= topics.size()) {
    auto end = std::min(topics.find_first_of(",+", start), topics.size());
    if (end - start == topic.size() && topics.compare(start, end - start, topic) == 0)
      return true;
    start = end + 1;
  }
  return false;
}

std::string validate(const directed_msg& m, const limits& lim) {
  return first_problem(check_name(m.from, lim), validate(m.rumor, lim));
}

namespace {

const param_spec fanout{"fanout", "N", "3", "peers a rumor is forwarded to", 1};
const param_spec random_share{"random", "P", "0.1",
                              "share of picks that go to any peer, not a subscriber"};
const param_spec remember{"remember", "N", "100",
                          "rounds a rumor id is kept to drop duplicates"};
const param_spec defer{"defer", "", "false", "forward at the next round, not at once"};

class directed : public protocol {
public:
  explicit directed(const params& ps)
      : fanout_(ps.get_uint(fanout)), random_(ps.get_double(random_share)),
        seen_(ps.get_uint(remember)), defer_(ps.get_bool(defer)) {
    if (random_ < 0 || random_ > 1)
      throw std::invalid_argument("--random must be between 0 and 1");
  }

  const char* name() const override { return "directed"; }

  void handlers(handler_set& hs) override {
    hs.on<directed_msg>([this](port& p, const directed_msg& m) {
      auto x = seen_.insert(m.rumor, p.round(), p.limits().max_rumor_ids);
      if (x == rumor_window::outcome::full)
        p.count(tally::rejected_item, "rumor id window full");
      else if (x == rumor_window::outcome::fresh)
        receive(p, m.from, m.rumor);
    });
  }

  caf::message_handler api(port& p) override {
    return {[this, &p](broadcast_atom, const std::string& topic,
                       const std::string& text) -> caf::result<uint64_t> {
      if (text.size() > p.limits().max_value_bytes ||
          topic.size() > p.limits().max_label_bytes)
        return caf::make_error(caf::sec::invalid_argument, "rumor or topic too long");
      rumor r{p.self(), ++last_id_, text, 0, topic};
      seen_.insert(r, p.round(), p.limits().max_rumor_ids);
      receive(p, p.self(), r);
      return r.id;
    }};
  }

  size_t pending() const override { return deferred_.size(); }

  void on_round(port& p) override {
    auto due = std::move(deferred_);
    deferred_.clear();
    for (auto& [from, r] : due)
      spread(p, from, r);
    seen_.expire(p.round());
  }

private:
  void receive(port& p, const std::string& from, const rumor& r) {
    // A rumor without a topic is for everyone (rumor.hpp).
    if (from != p.self() &&
        (r.topic.empty() || subscribed(p.label(p.self(), "topics"), r.topic)))
      deliver(p, from, r);
    if (defer_)
      deferred_.emplace_back(from, r);
    else
      spread(p, from, r);
  }

  void spread(port& p, const std::string& from, const rumor& r) {
    auto msg = wire(directed_msg{p.self(), next_hop(r)});
    auto& subs = subscribers(p, r.topic);
    std::set<std::string> picked;
    for (size_t tries = 0; picked.size() < fanout_ && tries < 4 * fanout_; ++tries) {
      std::string peer;
      if (subs.empty() || p.rng().uniform() < random_) {
        auto any = p.sample(1);
        if (!any.empty())
          peer = any[0];
      } else {
        peer = subs[std::uniform_int_distribution<size_t>{0, subs.size() - 1}(p.rng())];
      }
      if (!peer.empty() && peer != from && peer != p.self())
        picked.insert(peer);
    }
    for (auto& peer : picked)
      p.send(peer, msg, carries::update);
  }

  // The peers subscribed to `topic`, recomputed when the view changes size;
  // at most max_topics topics are cached (a new one evicts another).
  const std::vector<std::string>& subscribers(port& p, const std::string& topic) {
    if (cache_.size() >= p.limits().max_topics && cache_.count(topic) == 0)
      cache_.erase(cache_.begin());
    auto& entry = cache_[topic];
    if (entry.first != p.peers().size()) {
      entry.first = p.peers().size();
      entry.second.clear();
      for (auto& peer : p.peers())
        if (peer != p.self() && subscribed(p.label(peer, "topics"), topic))
          entry.second.push_back(peer);
    }
    return entry.second;
  }

  size_t fanout_;
  double random_;
  rumor_window seen_;
  bool defer_;
  std::vector<std::pair<std::string, rumor>> deferred_;
  uint64_t last_id_ = 0;
  std::map<std::string, std::pair<size_t, std::vector<std::string>>> cache_;
};

} // namespace

const protocol_info& directed_info() {
  static const protocol_info info = describe<directed, directed_msg>(
      "directed", "rumors by topic to interested peers, plus a random share", "—",
      {fanout, random_share, remember, defer});
  return info;
}

} // namespace gossip
