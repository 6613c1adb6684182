// One outgoing TCP connect for the guard, with a timeout, on a thread of its
// own: a connect that hangs (a partitioned or stopped peer) delays nothing
// else. CAF's middleman actor connects one at a time, with the kernel's
// timeout (minutes).
#include <caf/blocking_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/multiplexer.hpp>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "guard_broker.hpp"

namespace gossip::guard {

namespace {

using clock_type = std::chrono::steady_clock;

// A connected, non-blocking socket to host:port, or why not.
caf::expected<int> tcp_connect(const std::string& host, uint16_t port,
                               std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  auto where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
      rc != 0)
    return caf::make_error(caf::sec::cannot_connect_to_node,
                           "cannot resolve " + host + ": " + ::gai_strerror(rc));
  std::string why = "no address";
  int result = -1;
  for (auto* a = found; a != nullptr && result < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      a->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - clock_type::now());
      pollfd p{fd, POLLOUT, 0};
      int n = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
      int err = 0;
      socklen_t len = sizeof(err);
      if (n == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        rc = 0;
      else
        errno = n == 0 ? ETIMEDOUT : (err != 0 ? err : errno);
    }
    if (rc == 0) {
      result = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (result < 0)
    return caf::make_error(caf::sec::cannot_connect_to_node,
                           "cannot connect to " + where + ": " + why);
  return result;
}

} // namespace

void connector(caf::blocking_actor* self, caf::actor guard, uint64_t id, std::string host,
               uint16_t port, std::chrono::milliseconds timeout) {
  auto fd = tcp_connect(host, port, timeout);
  if (!fd) {
    self->send(guard, dialed_atom::value, id, std::move(fd.error()));
    return;
  }
  auto sp = self->system().middleman().backend().new_scribe(*fd);
  self->send(guard, dialed_atom::value, id, std::move(sp));
}

} // namespace gossip::guard
