#include "command.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "gossip/limits.hpp"
#include "gossip/replicas.hpp"
#include "replicas.hpp"

namespace gossip::ctl {

using namespace std::chrono_literals;

namespace {

// Everything up to the node's value limit, and not a byte more.
std::string read_stdin(size_t limit) {
  std::string value;
  char buf[1 << 16];
  size_t n = 0;
  while (value.size() <= limit && (n = std::fread(buf, 1, sizeof(buf), stdin)) > 0)
    value.append(buf, n);
  if (std::ferror(stdin))
    throw std::invalid_argument("cannot read the value from standard input");
  if (value.size() > limit)
    throw std::invalid_argument("the value on standard input is longer than " +
                                std::to_string(limit) + " bytes, the node's limit");
  return value;
}

// faults LOSS DELAY: a probability and a number of rounds, strictly.
void read_faults(command& cmd) {
  auto& loss = cmd.args[0];
  char* end = nullptr;
  cmd.loss = std::strtod(loss.c_str(), &end);
  if (loss.empty() || end != loss.c_str() + loss.size() || !(cmd.loss >= 0) ||
      !(cmd.loss <= 1))
    throw std::invalid_argument("faults: LOSS must be a number from 0 to 1, got '" +
                                loss + "'");
  auto& delay = cmd.args[1];
  if (delay.empty() || delay.size() > 6 ||
      delay.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("faults: DELAY must be a number of rounds, got '" +
                                delay + "'");
  cmd.delay_rounds = std::stoull(delay);
}

} // namespace

command parse_command(const cli::parsed& args) {
  command cmd;
  auto format = args.values.get_string("format", "text");
  if (format != "text" && format != "json")
    throw std::invalid_argument("invalid value '" + format +
                                "' for --format: text or json");
  cmd.json = format == "json";
  cmd.timeout = cli::get_duration(args.values, "timeout", 5000ms);
  cmd.topic = args.values.get_string("topic", "");
  if (args.positional.empty())
    throw std::invalid_argument("no command given (try --help)");
  cmd.name = args.positional[0] == "delete" ? "del" : args.positional[0];
  cmd.args.assign(args.positional.begin() + 1, args.positional.end());
  static const std::map<std::string, size_t> arity{
      {"put", 2},      {"get", 1},    {"del", 1},   {"broadcast", 1},
      {"members", 0},  {"dump", 0},   {"stats", 0}, {"watch", 0},
      {"estimate", 0}, {"faults", 2}, {"wait", 1},  {"agree", 0}};
  auto i = arity.find(cmd.name);
  if (i == arity.end())
    throw std::invalid_argument("unknown command '" + cmd.name + "' (try --help)");
  if (cmd.args.size() != i->second)
    throw std::invalid_argument(cmd.name + " takes " + std::to_string(i->second) +
                                " argument(s), got " + std::to_string(cmd.args.size()));
  if (args.values.has("replicas")) {
    auto text = args.values.get_string("replicas", "");
    cmd.replicas = parse_replicas(text);
    if (cmd.name != "put" && cmd.name != "del")
      throw std::invalid_argument("--replicas is for put and del");
    if (!cmd.replicas || !validate(write_level{*cmd.replicas, 1}, limits{}).empty())
      throw std::invalid_argument("invalid value '" + text + "' for --replicas: 1 to " +
                                  std::to_string(limits{}.max_members) +
                                  ", majority or all");
  }
  return cmd;
}

// Keys and values checked here as the node checks them: bad input (exit 2),
// not a failed request. `put KEY -` takes the value from standard input.
void check_input(command& cmd) {
  if (cmd.name == "faults")
    return read_faults(cmd);
  const limits lim;
  if ((cmd.name == "put" || cmd.name == "get" || cmd.name == "del" ||
       cmd.name == "wait") &&
      (cmd.args[0].empty() || cmd.args[0].size() > lim.max_key_bytes))
    throw std::invalid_argument("a key has 1 to " + std::to_string(lim.max_key_bytes) +
                                " bytes, got " + std::to_string(cmd.args[0].size()));
  if (cmd.name != "put")
    return;
  if (cmd.args[1] == "-")
    cmd.args[1] = read_stdin(lim.max_value_bytes);
  if (cmd.args[1].size() > lim.max_value_bytes)
    throw std::invalid_argument("the value is longer than " +
                                std::to_string(lim.max_value_bytes) +
                                " bytes, the node's limit");
}

} // namespace gossip::ctl
