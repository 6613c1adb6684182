#include "replicas.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <iostream>

#include "gossip/atoms.hpp"
#include "gossip/replicas.hpp"
#include "output.hpp"

namespace gossip::ctl {

namespace {

using cli::json;
using cli::json_line;

// The node's own deadline comes before ours by a margin, so that its answer
// (how many members held it) arrives rather than our timeout.
uint64_t node_timeout_ms(std::chrono::milliseconds total) {
  auto margin = std::min<int64_t>(500, total.count() / 5);
  auto ms = std::max<int64_t>(total.count() - margin, 1);
  return std::min<uint64_t>(static_cast<uint64_t>(ms), limits{}.max_wait_ms);
}

int fail(const std::string& what, int code) {
  std::cerr << "gossip-ctl: error: " << what << "\n";
  return code;
}

// "n2, n5, n7 and 3 more"
std::string some(const std::vector<std::string>& names) {
  std::string out;
  size_t shown = std::min<size_t>(names.size(), 5);
  for (size_t i = 0; i < shown; ++i)
    out += (i > 0 ? ", " : "") + names[i];
  if (names.size() > shown)
    out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

json report_json(bool ok, const hold_report& r) {
  return json{{"ok", ok},           {"version", r.version}, {"held", r.held},
              {"needed", r.needed}, {"live", r.live},       {"missing", r.missing}};
}

// A write with a level: "ok version 7, held by 2 of 2 members", or a one-line
// error saying how many held it.
int print_write(const call& c, const char* done, const hold_report& r, uint64_t ms) {
  if (c.json) {
    std::cout << json_line(report_json(r.ok(), r)) << "\n";
    return r.version == 0 ? 1 : r.ok() ? 0 : 3;
  }
  if (r.version == 0)
    return fail("no such key", 1);
  auto held = "held by " + std::to_string(r.held) + " of " + std::to_string(r.needed) +
              " members";
  if (r.ok()) {
    std::cout << done << " version " << r.version << ", " << held << "\n";
    return 0;
  }
  auto why = r.live < r.needed ? ": only " + std::to_string(r.live) + " live members"
                               : " after " + std::to_string(ms) + " ms";
  auto who = r.missing.empty() ? "" : "; not confirmed by " + some(r.missing);
  return fail("version " + std::to_string(r.version) + " is written on this node but " +
                  held + why + who,
              3);
}

int print_wait(const call& c, const hold_report& r, uint64_t ms) {
  int rc = r.version == 0 ? 1 : r.ok() ? 0 : 3;
  if (c.json)
    std::cout << json_line(report_json(r.ok(), r)) << "\n";
  else if (r.version == 0)
    fail("no such key", 1);
  else if (r.ok())
    std::cout << "converged: version " << r.version << " on all " << r.live
              << " members\n";
  else
    fail("version " + std::to_string(r.version) + " held by " + std::to_string(r.held) +
             " of " + std::to_string(r.live) + " live members after " +
             std::to_string(ms) + " ms; not yet by " + some(r.missing),
         3);
  return rc;
}

int print_agreement(const call& c, const view_report& r, uint64_t ms) {
  if (c.json) {
    std::cout << json_line({{"agreed", r.agreed()},
                            {"members", r.members},
                            {"digest", r.digest},
                            {"differing", r.differing},
                            {"silent", r.silent}})
              << "\n";
    return r.agreed() ? 0 : 3;
  }
  if (r.agreed()) {
    std::cout << "agreed: " << r.members << " members\n";
    return 0;
  }
  std::string why;
  if (!r.differing.empty())
    why += "; " + some(r.differing) + " count other members";
  if (!r.silent.empty())
    why += "; no answer from " + some(r.silent);
  return fail("no agreement on the " + std::to_string(r.members) +
                  " members this node counts after " + std::to_string(ms) + " ms" + why,
              3);
}

// One request whose answer R is checked, then printed by `print`.
template <class R, class F, class... Ts> int ask(const call& c, F print, Ts&&... xs) {
  int rc = 0;
  c.self->request(c.node, c.timeout, std::forward<Ts>(xs)...)
      .receive(
          [&](const R& r) {
            auto err = validate(r, limits{});
            rc = err.empty() ? print(r) : fail("a malformed answer: " + err, 3);
          },
          [&](caf::error& err) { rc = fail(c.self->system().render(err), 3); });
  return rc;
}

} // namespace

int put(const call& c, const std::string& key, const std::string& value,
        uint32_t replicas) {
  auto ms = node_timeout_ms(c.timeout);
  return ask<hold_report>(
      c, [&](const hold_report& r) { return print_write(c, "ok", r, ms); },
      caf::put_atom::value, key, value, write_level{replicas, ms});
}

int del(const call& c, const std::string& key, uint32_t replicas) {
  auto ms = node_timeout_ms(c.timeout);
  return ask<hold_report>(
      c, [&](const hold_report& r) { return print_write(c, "deleted", r, ms); },
      caf::delete_atom::value, key, write_level{replicas, ms});
}

int wait(const call& c, const std::string& key) {
  auto ms = node_timeout_ms(c.timeout);
  return ask<hold_report>(
      c, [&](const hold_report& r) { return print_wait(c, r, ms); }, wait_atom::value,
      key, ms);
}

int agree(const call& c) {
  auto ms = node_timeout_ms(c.timeout);
  return ask<view_report>(
      c, [&](const view_report& r) { return print_agreement(c, r, ms); },
      agree_atom::value, ms);
}

} // namespace gossip::ctl
