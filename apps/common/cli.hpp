// A small, strict command line parser shared by the apps: --key=value and
// bare --flag options, positional words, --help. Values land in a
// gossip::params, whose typed getters report bad values by name.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "gossip/params.hpp"

namespace gossip::cli {

struct option {
  std::string name; // without the leading "--"
  std::string hint; // e.g. "N", "MS", "" for a flag
  std::string help;
};

struct parsed {
  params values;
  std::vector<std::string> positional;
  bool help = false;
};

/// Parses argv[first..]; throws std::invalid_argument for an unknown option.
parsed parse(int argc, char** argv, int first, const std::vector<option>& known);

void print_help(std::ostream& out, const std::string& usage,
                const std::vector<option>& known);

/// "250ms", "2s", "1m" or a bare number of milliseconds; must be positive.
std::chrono::milliseconds get_duration(const params& ps, const std::string& key,
                                       std::chrono::milliseconds fallback);

/// Reports options given but not read (a typo for a protocol parameter, say).
void reject_unused(const params& ps);

} // namespace gossip::cli
