#include "relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>
#include <vector>

namespace gossip::test {

namespace {

int connect_v4_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
    return fd;
  if (fd >= 0)
    ::close(fd);
  return -1;
}

// Moves what `from` has to `to`; false when either side is done.
bool pass(int from, int to) {
  char buf[16384];
  auto n = ::read(from, buf, sizeof buf);
  if (n <= 0)
    return false;
  for (ssize_t done = 0; done < n;) {
    auto w = ::write(to, buf + done, static_cast<size_t>(n - done));
    if (w <= 0)
      return false;
    done += w;
  }
  return true;
}

} // namespace

relay::relay() {
  listener_ = ::socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  socklen_t len = sizeof a;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("relay: cannot listen on ::1");
  port_ = ntohs(a.sin6_port);
  thread_ = std::thread([this] { run(); });
}

relay::~relay() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

// One thread, poll over the listener and every pair (blocking writes: the
// nodes read what they are sent).
void relay::run() {
  std::vector<std::pair<int, int>> pairs;
  while (!stop_) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (auto& [a, b] : pairs) {
      fds.push_back({a, POLLIN, 0});
      fds.push_back({b, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0)
      continue;
    std::vector<std::pair<int, int>> alive;
    for (size_t i = 0; i < pairs.size(); ++i) {
      auto [a, b] = pairs[i];
      bool ok = true;
      if (fds[1 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR))
        ok = pass(a, b);
      if (ok && (fds[2 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR)))
        ok = pass(b, a);
      if (ok) {
        alive.emplace_back(a, b);
      } else {
        ::close(a);
        ::close(b);
      }
    }
    pairs = std::move(alive);
    // Last: fds holds no entries for a pair accepted now.
    if (fds[0].revents & POLLIN) {
      int in = ::accept(listener_, nullptr, nullptr);
      int out = in >= 0 && target_ != 0 ? connect_v4_loopback(target_) : -1;
      if (out >= 0) {
        pairs.emplace_back(in, out);
        ++relayed_;
      } else if (in >= 0) {
        ::close(in);
      }
    }
  }
  for (auto& [a, b] : pairs) {
    ::close(a);
    ::close(b);
  }
}

} // namespace gossip::test
