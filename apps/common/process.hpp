// Child processes for the cluster launcher and the multi-process tests:
// started with their stdout on a pipe, read line by line without blocking,
// and always ended by PID (SIGTERM, then SIGKILL after a grace period).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gossip::proc {

class child {
public:
  /// Starts argv[0] with argv; stderr goes to `stderr_path` (or is inherited
  /// when empty), stdin comes from `stdin_path` (or is inherited). Throws
  /// std::runtime_error when it cannot start.
  child(const std::vector<std::string>& argv, const std::string& stderr_path = {},
        const std::string& stdin_path = {});
  ~child(); // kills and reaps the process if it still runs

  child(const child&) = delete;
  child& operator=(const child&) = delete;

  pid_t pid() const { return pid_; }
  int out_fd() const { return out_; }
  bool running();

  /// Appends the complete lines read so far; false once stdout is closed.
  bool read_lines(std::vector<std::string>& lines);

  void signal(int sig);
  /// SIGTERM, up to `grace` for it to exit, then SIGKILL; reaps it. Returns
  /// the exit status as waitpid reports it, or -1.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(3));
  /// SIGKILL and reap.
  void kill();

private:
  std::optional<int> reap(bool block);

  pid_t pid_ = -1;
  int out_ = -1;
  std::string partial_;
  bool reaped_ = false;
  int status_ = -1;
};

/// Waits until one of `fds` is readable or `timeout` passes.
void wait_readable(const std::vector<int>& fds, std::chrono::milliseconds timeout);

/// Directory of the running executable (to find sibling programs).
std::string self_dir();

} // namespace gossip::proc
