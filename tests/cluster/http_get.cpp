#include "http_get.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gossip::test {

namespace {

int connect_numeric(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    return -1;
  int fd = ::socket(found->ai_family, SOCK_STREAM, 0);
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  return fd;
}

} // namespace

std::optional<std::string> http_get(const std::string& host, uint16_t port,
                                    const std::string& target,
                                    std::chrono::milliseconds limit) {
  int fd = connect_numeric(host, port);
  if (fd < 0)
    return std::nullopt;
  auto request = "GET " + target + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return std::nullopt;
  }
  // HTTP/1.0: the answer ends when the server closes the connection.
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      break;
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
      ::close(fd);
      auto body = answer.find("\r\n\r\n");
      if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12 ||
          answer.compare(9, 3, "200") != 0 || body == std::string::npos)
        return std::nullopt;
      return answer.substr(body + 4);
    }
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::nullopt;
}

} // namespace gossip::test
