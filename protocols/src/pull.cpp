#include "gossip/pull.hpp"

#include <caf/actor_system_config.hpp>

#include "gossip/paging.hpp"

namespace gossip {

std::string validate(const pull_request& m, const limits& lim) {
  return first_problem(check_name(m.from, lim),
                       validate({m.start, m.end}, m.digest, lim));
}

std::string validate(const pull_response& m, const limits& lim) {
  return first_problem(check_batch(m.from, m.entries.size(), lim),
                       check_next(m.next, lim));
}

namespace {

const param_spec fanout{"fanout", "N", "1", "peers asked each round", 1};
const param_spec budget{"budget", "BYTES", "65536",
                        "bytes of one digest page and of one answer", 256};

pull_request request(const std::string& self, digest_page page) {
  return {self, std::move(page.range.start), std::move(page.range.end),
          std::move(page.items)};
}

class pull : public protocol {
public:
  explicit pull(const params& ps)
      : fanout_(ps.get_uint(fanout)), budget_(ps.get_uint(budget)) {}

  const char* name() const override { return "pull"; }

  void handlers(handler_set& hs) override {
    hs.on<pull_request>([this](port& p, const pull_request& m) -> answer {
      auto page = answer_page(p.data(), {m.start, m.end}, m.digest, budget_,
                              p.limits().max_entries);
      if (page.entries.empty())
        return {}; // nothing they lack: no answer needed
      return reply_with(
          pull_response{p.self(), std::move(page.entries), std::move(page.next)},
          carries::update);
    });
    hs.on<pull_response>([this](port& p, const pull_response& m) {
      auto changed = merge(p, m.from, m.entries);
      if (auto at = asked_.follow(m.from, m.next, changed.size()))
        ask(p, m.from, page_from(p.data(), *at, budget_, p.limits().max_entries));
    });
  }

  void on_round(port& p) override {
    auto page = cursor_.next_page(p.data(), budget_, p.limits().max_entries);
    auto range = page.range;
    auto msg = wire(request(p.self(), std::move(page)));
    for (auto& peer : p.sample(fanout_)) {
      asked_.asked(peer, range);
      p.send(peer, msg, carries::control);
    }
  }

private:
  void ask(port& p, const std::string& peer, digest_page page) {
    asked_.asked(peer, page.range);
    p.send(peer, wire(request(p.self(), std::move(page))), carries::control);
  }

  size_t fanout_;
  size_t budget_;
  page_cursor cursor_;
  page_requests asked_;
};

} // namespace

const protocol_info& pull_info() {
  static const protocol_info info = describe<pull, pull_request, pull_response>(
      "pull", "ask fanout peers for what I lack each round", "Demers et al. 1987",
      {fanout, budget});
  return info;
}

} // namespace gossip
