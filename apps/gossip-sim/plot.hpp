// A line plot as a standalone SVG file: one line per series, axes, ticks and
// labels; optionally a log-scale y axis and a legend.
#pragma once

#include <string>
#include <vector>

namespace gossip::sim {

struct plot_spec {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_y = false;
  /// series[i][x] = y at x = 0, 1, 2, ...
  std::vector<std::vector<double>> series;
  /// Tick labels for x = 0, 1, 2 ... (numbers when empty).
  std::vector<std::string> x_names;
  /// A legend: names[i] for series i (none when empty).
  std::vector<std::string> names;
};

/// Writes the plot; throws std::runtime_error if the file cannot be written.
void write_svg(const plot_spec& p, const std::string& path);

} // namespace gossip::sim
