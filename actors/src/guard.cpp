// The guard's public face (guard.hpp): one guard broker per actor system,
// found through the system's actor registry, and the blocking calls that
// programs make outside actors.
#include "gossip/guard.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/scoped_actor.hpp>

#include <sys/resource.h>

#include <mutex>
#include <set>
#include <stdexcept>

#include "guard_broker.hpp"

namespace gossip::guard {

namespace {

constexpr auto registry_key = caf::atom("gsp-guard");
std::mutex start_mutex;

template <class... Ts>
caf::expected<uint16_t> ask_port(caf::actor_system& sys, const caf::actor& g,
                                 Ts&&... xs) {
  caf::expected<uint16_t> result = caf::make_error(caf::sec::request_timeout);
  caf::scoped_actor self{sys, true};
  self->request(g, std::chrono::seconds(10), std::forward<Ts>(xs)...)
      .receive([&](uint16_t port) { result = port; },
               [&](caf::error& err) { result = std::move(err); });
  return result;
}

} // namespace

std::string check(const settings& s) {
  using namespace std::chrono;
  if (s.max_frame < (64u << 10) || s.max_frame > (1u << 30))
    return "max_frame must be between 64 KiB and 1 GiB";
  if (s.max_handshake < 1024)
    return "max_handshake must be at least 1 KiB";
  if (s.handshake_timeout < milliseconds{100} ||
      s.handshake_timeout > max_handshake_timeout)
    return "handshake_timeout must be between 100ms and 60s";
  if (s.idle_timeout < seconds{1} || s.idle_timeout > hours{24})
    return "idle_timeout must be between 1s and 24h (60m from the command line)";
  if (s.high_water < (64u << 10))
    return "high_water must be at least 64 KiB";
  if (s.max_peers == 0 || s.max_peers > 1000000)
    return "max_peers must be between 1 and 1000000";
  return {};
}

size_t fit_fd_limit(size_t max_peers) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return max_peers;
  rlim_t need = static_cast<rlim_t>(max_peers) * fds_per_peer + fd_reserve;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need) {
    auto raised = lim;
    raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? need : std::min(need, lim.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
      lim = raised;
  }
  if (lim.rlim_cur == RLIM_INFINITY)
    return max_peers;
  if (lim.rlim_cur <= fd_reserve)
    return 0;
  return std::min<size_t>(max_peers, (lim.rlim_cur - fd_reserve) / fds_per_peer);
}

std::chrono::milliseconds heartbeat_interval(const settings& s) {
  return s.idle_timeout / 3;
}

std::chrono::milliseconds dial_limit(const settings& s) {
  return 2 * s.handshake_timeout + std::chrono::seconds{1};
}

caf::actor of(caf::actor_system& sys) {
  return sys.registry().get<caf::actor>(registry_key);
}

caf::actor start(caf::actor_system& sys, const settings& s) {
  if (auto err = check(s); !err.empty())
    throw std::invalid_argument("guard: " + err);
  std::lock_guard<std::mutex> lock{start_mutex};
  if (auto g = of(sys))
    return g;
  // Never more connections than file descriptors: at EMFILE CAF's acceptor
  // spins.
  auto fitted = s;
  fitted.max_peers = std::max<size_t>(1, fit_fd_limit(s.max_peers));
  auto g = spawn_broker(sys, fitted);
  sys.registry().put(registry_key, g);
  return g;
}

caf::expected<uint16_t> listen(caf::actor_system& sys, const caf::actor& node,
                               const std::string& host, uint16_t port,
                               const settings& s) {
  auto g = start(sys, s);
  return ask_port(sys, g, caf::publish_atom::value, host, port,
                  caf::actor_cast<caf::strong_actor_ptr>(node), sys.message_types(node));
}

caf::expected<uint16_t> listen_tls(caf::actor_system& sys, const caf::actor& node,
                                   const std::string& host, uint16_t port,
                                   const settings& s) {
  if (!tls_errors_cleared())
    return caf::make_error(caf::sec::runtime_error, "libssl not loaded");
  auto inner = caf::openssl::publish(node, 0, "127.0.0.1", true);
  if (!inner)
    return std::move(inner.error());
  auto g = start(sys, s);
  return ask_port(sys, g, caf::publish_atom::value, host, port, *inner);
}

void stop(caf::actor_system& sys) {
  std::lock_guard<std::mutex> lock{start_mutex};
  if (auto g = of(sys)) {
    sys.registry().erase(registry_key);
    caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
  }
}

caf::expected<caf::actor> dial(caf::actor_system& sys, const std::string& host,
                               uint16_t port, const settings& s) {
  auto g = start(sys, s);
  caf::expected<caf::actor> result = caf::make_error(caf::sec::cannot_connect_to_node);
  caf::scoped_actor self{sys, true};
  self->request(g, max_dial_limit, caf::connect_atom::value, host, port)
      .receive(
          [&](caf::node_id&, caf::strong_actor_ptr& a, std::set<std::string>&) {
            if (a)
              result = caf::actor_cast<caf::actor>(a);
          },
          [&](caf::error& err) { result = std::move(err); });
  return result;
}

caf::expected<counts> query(caf::actor_system& sys, const caf::actor& guard) {
  caf::expected<counts> result = caf::make_error(caf::sec::request_timeout);
  caf::scoped_actor self{sys, true};
  self->request(guard, std::chrono::seconds(10), caf::get_atom::value)
      .receive(
          [&](uint64_t rejected, uint64_t timed_out, uint64_t refused, uint64_t peers) {
            result = counts{rejected, timed_out, refused, peers};
          },
          [&](caf::error& err) { result = std::move(err); });
  return result;
}

} // namespace gossip::guard
