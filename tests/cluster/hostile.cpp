#include "hostile.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gossip::hostile {

namespace {

using clock_type = std::chrono::steady_clock;

void put(uint8_t* p, uint64_t x, int n) {
  for (int i = n - 1; i >= 0; --i, x >>= 8)
    p[i] = static_cast<uint8_t>(x);
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

int listen_loopback(int backlog) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto a = loopback(0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::listen(fd, backlog) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  return fd;
}

} // namespace

std::array<uint8_t, 32> basp_header(uint8_t operation, uint32_t payload_len,
                                    uint64_t operation_data, uint64_t source,
                                    uint64_t dest) {
  std::array<uint8_t, 32> h{};
  h[0] = operation;
  put(h.data() + 4, payload_len, 4);
  put(h.data() + 8, operation_data, 8);
  put(h.data() + 16, source, 8);
  put(h.data() + 24, dest, 8);
  return h;
}

std::array<uint8_t, 32> random_header(std::mt19937_64& rng) {
  std::array<uint8_t, 32> h{};
  for (size_t i = 0; i < h.size(); i += 8)
    put(h.data() + i, rng(), 8);
  return h;
}

int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  auto a = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const void* data, size_t size) {
  auto p = static_cast<const char*>(data);
  while (size > 0) {
    auto n = ::send(fd, p, size, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::chrono::milliseconds> wait_closed(int fd,
                                                     std::chrono::milliseconds limit) {
  auto t0 = clock_type::now();
  char buf[4096];
  for (;;) {
    auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
    if (elapsed >= limit)
      return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>((limit - elapsed).count())) > 0 &&
        ::recv(fd, buf, sizeof(buf), 0) <= 0)
      return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() -
                                                                   t0);
  }
}

size_t wait_all_closed(const std::vector<int>& fds, std::chrono::milliseconds limit) {
  auto deadline = clock_type::now() + limit;
  std::vector<bool> closed(fds.size(), false);
  size_t n = 0;
  char buf[4096];
  while (n < fds.size() && clock_type::now() < deadline) {
    std::vector<pollfd> ps;
    std::vector<size_t> index;
    for (size_t i = 0; i < fds.size(); ++i)
      if (!closed[i]) {
        ps.push_back(pollfd{fds[i], POLLIN, 0});
        index.push_back(i);
      }
    if (::poll(ps.data(), ps.size(), 100) <= 0)
      continue;
    for (size_t k = 0; k < ps.size(); ++k)
      if (ps[k].revents != 0 && ::recv(ps[k].fd, buf, sizeof(buf), 0) <= 0) {
        closed[index[k]] = true;
        ++n;
      }
  }
  return n;
}

long status_kib(pid_t pid, const std::string& field) {
  std::ifstream f{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(f, line))
    if (line.compare(0, field.size() + 1, field + ":") == 0) {
      std::istringstream in{line.substr(field.size() + 1)};
      long kib = -1;
      in >> kib;
      return kib;
    }
  return -1;
}

blackhole::blackhole() {
  // A backlog of 0 holds one connection; the filler takes it, and the
  // kernel drops every later SYN (nobody ever accepts).
  listener_ = listen_loopback(0);
  port_ = local_port(listener_);
  filler_ = connect_loopback(port_);
}

blackhole::~blackhole() {
  if (filler_ >= 0)
    ::close(filler_);
  ::close(listener_);
}

uint16_t closed_port() {
  int fd = listen_loopback(1);
  auto port = local_port(fd);
  ::close(fd);
  return port;
}

} // namespace gossip::hostile
