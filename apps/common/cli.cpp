#include "cli.hpp"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <ostream>
#include <stdexcept>

namespace gossip::cli {

parsed parse(int argc, char** argv, int first, const std::vector<option>& known) {
  parsed result;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      result.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      if (arg.size() > 1 && arg[0] == '-')
        throw std::invalid_argument("unknown option '" + arg + "' (try --help)");
      result.positional.push_back(arg);
      continue;
    }
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    // "protocol.param" scopes a protocol parameter to one protocol.
    auto base = name.substr(name.find('.') == std::string::npos ? 0 : name.find('.') + 1);
    auto opt = std::find_if(known.begin(), known.end(),
                            [&](const option& o) { return o.name == base; });
    if (opt == known.end())
      throw std::invalid_argument("unknown option '--" + name + "' (try --help)");
    if (eq == std::string::npos && !opt->hint.empty())
      throw std::invalid_argument("option '--" + name + "' needs a value: --" + name +
                                  "=" + opt->hint);
    result.values.set(name, eq == std::string::npos ? std::string{} : arg.substr(eq + 1));
  }
  return result;
}

void print_help(std::ostream& out, const std::string& usage,
                const std::vector<option>& known) {
  out << usage << "\n\nOptions:\n";
  for (auto& o : known) {
    auto left = "--" + o.name + (o.hint.empty() ? "" : "=" + o.hint);
    out << "  " << std::left << std::setw(26) << left << " " << o.help << "\n";
  }
  out << "  " << std::left << std::setw(26) << "--help"
      << " this text\n";
}

std::chrono::milliseconds get_duration(const params& ps, const std::string& key,
                                       std::chrono::milliseconds fallback) {
  auto text = ps.get_string(key, "");
  if (text.empty())
    return fallback;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  auto unit = text.substr(digits);
  long long factor = unit == "" || unit == "ms" ? 1
                     : unit == "s"              ? 1000
                     : unit == "m"              ? 60000
                                                : 0;
  if (digits == 0 || digits > 9 || factor == 0)
    throw std::invalid_argument("invalid value '" + text + "' for --" + key +
                                ": expected a duration like 250ms, 2s or 1m");
  auto ms = std::stoll(text.substr(0, digits)) * factor;
  if (ms <= 0)
    throw std::invalid_argument("--" + key + " must be positive");
  return std::chrono::milliseconds{ms};
}

void reject_unused(const params& ps) {
  auto unused = ps.unused();
  if (!unused.empty())
    throw std::invalid_argument("option '--" + *unused.begin() +
                                "' does not apply here (try --help)");
}

} // namespace gossip::cli
