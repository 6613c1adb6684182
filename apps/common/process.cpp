#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace gossip::proc {

child::child(const std::vector<std::string>& argv, const std::string& stderr_path,
             const std::string& stdin_path) {
  int fds[2];
  if (argv.empty() || ::pipe(fds) != 0)
    throw std::runtime_error("cannot create a pipe for a child process");
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error(std::string{"fork failed: "} + std::strerror(errno));
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    if (!stderr_path.empty()) {
      int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0)
        ::dup2(err, STDERR_FILENO);
    }
    if (!stdin_path.empty()) {
      int in = ::open(stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (in < 0 || ::dup2(in, STDIN_FILENO) < 0)
        ::_exit(127);
    }
    // If the launcher dies without stopping us (SIGKILL, a broken pipe),
    // the kernel ends us too: no orphaned nodes.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The child gets default signal handling and no blocked signals.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "cannot start %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(fds[1]);
  out_ = fds[0];
  ::fcntl(out_, F_SETFL, ::fcntl(out_, F_GETFL) | O_NONBLOCK);
}

child::~child() {
  kill();
  if (out_ >= 0)
    ::close(out_);
}

std::optional<int> child::reap(bool block) {
  if (reaped_)
    return status_;
  int status = 0;
  auto r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    reaped_ = true;
    status_ = r == pid_ ? status : -1;
    return status_;
  }
  return std::nullopt;
}

bool child::running() {
  return pid_ > 0 && !reap(false);
}

bool child::read_lines(std::vector<std::string>& lines) {
  char buf[4096];
  for (;;) {
    auto n = ::read(out_, buf, sizeof(buf));
    if (n > 0) {
      partial_.append(buf, static_cast<size_t>(n));
      continue;
    }
    bool open = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    size_t start = 0;
    for (auto nl = partial_.find('\n'); nl != std::string::npos;
         nl = partial_.find('\n', start)) {
      lines.push_back(partial_.substr(start, nl - start));
      start = nl + 1;
    }
    partial_.erase(0, start);
    return open;
  }
}

void child::signal(int sig) {
  if (running())
    ::kill(pid_, sig);
}

int child::stop(std::chrono::milliseconds grace) {
  if (!running())
    return status_;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto st = reap(false))
      return *st;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
  return status_;
}

void child::kill() {
  if (pid_ <= 0 || reaped_)
    return;
  ::kill(pid_, SIGCONT); // a stopped process must run to die
  ::kill(pid_, SIGKILL);
  reap(true);
}

void wait_readable(const std::vector<int>& fds, std::chrono::milliseconds timeout) {
  std::vector<pollfd> ps;
  for (auto fd : fds)
    ps.push_back(pollfd{fd, POLLIN, 0});
  ::poll(ps.data(), ps.size(), static_cast<int>(timeout.count()));
}

std::string self_dir() {
  char buf[4096];
  auto n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0)
    return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

} // namespace gossip::proc
