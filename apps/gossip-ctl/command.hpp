// A gossip-ctl command line, parsed and checked before anything is sent:
// the command and its arguments, the output format, the timeout and the
// options that go with some commands. Keys and values are checked as the
// node checks them, so bad input is a bad command line (exit 2), not a
// failed request.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"

namespace gossip::ctl {

struct command {
  std::string name;
  std::vector<std::string> args;
  bool json = false;
  std::chrono::milliseconds timeout{5000};
  std::string topic;
  double loss = 0;           // faults
  uint64_t delay_rounds = 0; // faults
  /// --replicas: a write level (replicas.hpp); none: a plain put or del.
  std::optional<uint32_t> replicas;
};

/// Throws std::invalid_argument for an unknown command, a wrong number of
/// arguments or a bad option value.
command parse_command(const cli::parsed& args);
/// Checks keys and values (reading `put KEY -` from standard input) and the
/// numbers of `faults`; throws std::invalid_argument.
void check_input(command& cmd);

} // namespace gossip::ctl
