#include "print.hpp"

#include <iostream>

#include "output.hpp"

namespace gossip::ctl {

using cli::json_line;

void print_members(const std::vector<member_update>& ms, bool as_json) {
  for (auto& m : ms) {
    auto address = m.address.empty() ? "-" : m.address;
    if (as_json)
      std::cout << json_line({{"name", m.name},
                              {"address", address},
                              {"status", to_string(m.state())},
                              {"incarnation", m.incarnation}})
                << "\n";
    else
      std::cout << m.name << " " << address << " " << to_string(m.state()) << " "
                << m.incarnation << "\n";
  }
}

void print_entries(const std::vector<keyed_entry>& xs, bool as_json) {
  for (auto& x : xs) {
    if (as_json)
      std::cout << json_line({{"key", x.key},
                              {"version", x.e.version},
                              {"origin", x.e.origin},
                              {"tombstone", x.e.tombstone},
                              {"value", x.e.value}})
                << "\n";
    else
      std::cout << x.key << " " << x.e.version << " " << x.e.origin << " "
                << (x.e.tombstone ? "-" : x.e.value) << "\n";
  }
}

void print_stats(const counters& c, bool as_json) {
  if (as_json) {
    std::cout << to_json(c) << "\n";
    return;
  }
  std::cout << "rounds " << c.rounds << ", unknown " << c.unknown << ", unroutable "
            << c.unroutable << "\n"
            << "store " << c.store_keys << " keys / " << c.store_bytes << " B\n";
  auto row = [](const std::string& name, const traffic& t) {
    std::cout << name << ": sent " << t.sent_msgs << " msgs / " << t.sent_bytes
              << " B, received " << t.recv_msgs << " msgs / " << t.recv_bytes
              << " B, rejected " << t.rejected << "\n";
  };
  for (auto& [name, t] : c.by_type)
    row(name, t);
  row("total", c.total);
}

} // namespace gossip::ctl
