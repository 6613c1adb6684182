// up: start N nodes and show what they report until Ctrl-C (or --duration).
#include <iostream>

#include "session.hpp"

namespace gossip::cluster_cmd {

int up(const settings& s) {
  session run{s};
  auto& c = run.cluster();
  auto t0 = proc::process_cluster::now_ms();
  c.on_event = [&](size_t i, const proc::node_event& ev) {
    if (ev.kind == "listening" || ev.kind == "stored" || ev.kind.rfind("member_", 0) == 0)
      std::cout << "[" << pretty_ms(proc::process_cluster::now_ms() - t0) << "] "
                << c.name(i) << " " << ev.kind << " "
                << (ev.kind == "stored" ? ev.key + "=" + ev.value : ev.peer) << " "
                << (ev.kind == "listening" ? "pid " + std::to_string(c.pid(i))
                                           : ev.detail)
                << (ev.kind.rfind("member_", 0) == 0
                        ? " (incarnation " + std::to_string(ev.version) + ")"
                        : std::string{})
                << std::endl;
  };
  c.start_all();
  std::cout << s.nodes << " nodes up";
  if (run.namespaced())
    std::cout << ", one network namespace each (gossip-cluster partition n1,n2/n3 --id="
              << s.id << " cuts links, heal restores them)";
  std::cout << "; Ctrl-C stops them\n";
  for (size_t i = 0; i < c.size(); ++i)
    std::cout << "  " << c.name(i) << " " << c.address(i) << " pid " << c.pid(i) << "\n";
  auto limit = s.duration.value_or(std::chrono::hours(24 * 365));
  run.wait([] { return false; }, limit);
  std::cout << "stopping " << s.nodes << " nodes\n";
  c.on_event = nullptr;
  c.stop_all();
  return 0;
}

} // namespace gossip::cluster_cmd
