// up: start N nodes and show what they report until Ctrl-C (or --duration).
#include <iostream>

#include "output.hpp"
#include "session.hpp"

namespace gossip::cluster_cmd {

int up(const settings& s) {
  session run{s};
  auto& c = run.cluster();
  auto t0 = proc::process_cluster::now_ms();
  auto stamp = [&] {
    return "[" + pretty_ms(proc::process_cluster::now_ms() - t0) + "] ";
  };
  c.on_listening = [&](size_t i) {
    std::cout << stamp() << c.name(i) << " listening  pid " << c.pid(i) << std::endl;
  };
  c.on_event = [&](size_t i, const event& ev) {
    if (ev.kind == event_kind::stored)
      std::cout << stamp() << c.name(i) << " stored " << ev.key << "=" << ev.value << " "
                << ev.detail << std::endl;
    else if (is_member_event(ev.kind))
      std::cout << stamp() << c.name(i) << " " << to_string(ev.kind) << " " << ev.peer
                << " " << cli::detail_text(ev) << " (incarnation " << ev.incarnation
                << ")" << std::endl;
  };
  c.start_all();
  std::cout << s.nodes << " nodes up";
  if (s.per_process > 1)
    std::cout << " in " << c.processes() << " processes of up to " << s.per_process
              << " (a process killed ends all its nodes)";
  if (run.namespaced())
    std::cout << (s.per_process > 1 ? ", one network namespace per process"
                                    : ", one network namespace each")
              << (run.tls() ? ", TLS with a throwaway CA" : ", no TLS (--insecure)")
              << " (gossip-cluster partition n1,n2/n3 --id=" << s.id
              << (s.per_process > 1 ? " --per-process=" + std::to_string(s.per_process)
                                    : std::string{})
              << " cuts links, heal restores them)";
  std::cout << "; Ctrl-C stops them\n";
  for (size_t i = 0; i < c.size(); ++i)
    std::cout << "  " << c.name(i) << " " << c.address(i) << " pid " << c.pid(i) << "\n";
  auto limit = s.duration.value_or(std::chrono::hours(24 * 365));
  run.wait([] { return false; }, limit);
  std::cout << "stopping " << s.nodes << " nodes\n";
  c.on_event = nullptr;
  c.on_listening = nullptr;
  c.stop_all();
  return 0;
}

} // namespace gossip::cluster_cmd
