#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gossip::sim {

namespace {

constexpr double width = 720, height = 440, left = 70, right = 20, top = 40, bottom = 60;

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s)
    out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return out;
}

std::string num(double x) {
  std::ostringstream o;
  o << x;
  return o.str();
}

} // namespace

void write_svg(const plot_spec& p, const std::string& path) {
  size_t max_x = 1;
  double lo = p.log_y ? 1e300 : 0, hi = p.log_y ? 0 : 1;
  for (auto& s : p.series) {
    max_x = std::max(max_x, s.size() > 0 ? s.size() - 1 : 0);
    for (auto y : s) {
      if (!std::isfinite(y) || (p.log_y && y <= 0))
        continue;
      lo = std::min(lo, y);
      hi = std::max(hi, y);
    }
  }
  if (p.log_y) {
    if (lo > hi) {
      lo = 1e-16;
      hi = 1;
    }
    lo = std::pow(10, std::floor(std::log10(std::max(lo, 1e-300))));
    hi = std::pow(10, std::ceil(std::log10(hi)));
    if (lo == hi)
      hi = lo * 10;
  }
  auto px = [&](double x) {
    return left + x / static_cast<double>(max_x) * (width - left - right);
  };
  auto py = [&](double y) {
    double f = p.log_y
                   ? (std::log10(y) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                   : (y - lo) / (hi - lo);
    return height - bottom - f * (height - top - bottom);
  };
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='"
    << height << "' font-family='sans-serif' font-size='12'>\n"
    << "<rect width='100%' height='100%' fill='white'/>\n"
    << "<text x='" << width / 2 << "' y='22' text-anchor='middle' font-size='15'>"
    << esc(p.title) << "</text>\n";
  // Axes with ticks.
  o << "<line x1='" << left << "' y1='" << height - bottom << "' x2='" << width - right
    << "' y2='" << height - bottom << "' stroke='black'/>\n"
    << "<line x1='" << left << "' y1='" << top << "' x2='" << left << "' y2='"
    << height - bottom << "' stroke='black'/>\n";
  size_t step = std::max<size_t>(1, max_x / 10);
  for (size_t x = 0; x <= max_x; x += step)
    o << "<line x1='" << px(x) << "' y1='" << height - bottom << "' x2='" << px(x)
      << "' y2='" << height - bottom + 5 << "' stroke='black'/><text x='" << px(x)
      << "' y='" << height - bottom + 18 << "' text-anchor='middle'>"
      << (x < p.x_names.size() ? esc(p.x_names[x]) : std::to_string(x)) << "</text>\n";
  std::vector<double> yticks;
  if (p.log_y)
    for (double y = lo; y <= hi * 1.0001; y *= 10)
      yticks.push_back(y);
  else
    for (int i = 0; i <= 5; ++i)
      yticks.push_back(lo + (hi - lo) * i / 5.0);
  size_t ystep = std::max<size_t>(1, yticks.size() / 8);
  for (size_t i = 0; i < yticks.size(); i += ystep)
    o << "<line x1='" << left - 5 << "' y1='" << py(yticks[i]) << "' x2='"
      << width - right << "' y2='" << py(yticks[i]) << "' stroke='#ddd'/><text x='"
      << left - 8 << "' y='" << py(yticks[i]) + 4 << "' text-anchor='end'>"
      << num(yticks[i]) << "</text>\n";
  o << "<text x='" << (left + width - right) / 2 << "' y='" << height - 15
    << "' text-anchor='middle'>" << esc(p.x_label) << "</text>\n"
    << "<text transform='translate(18," << (top + height - bottom) / 2
    << ") rotate(-90)' text-anchor='middle'>" << esc(p.y_label) << "</text>\n";
  static const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  for (size_t i = 0; i < p.series.size(); ++i) {
    o << "<polyline fill='none' stroke-width='1.5' stroke='" << colors[i % 10]
      << "' stroke-opacity='0.8' points='";
    for (size_t x = 0; x < p.series[i].size(); ++x) {
      auto y = p.series[i][x];
      if (!std::isfinite(y) || (p.log_y && y <= 0))
        continue;
      o << px(x) << "," << py(std::clamp(y, lo, hi)) << " ";
    }
    o << "'/>\n";
  }
  for (size_t i = 0; i < p.names.size() && i < p.series.size(); ++i) {
    auto y = top + 14 + 16 * static_cast<double>(i);
    o << "<line x1='" << left + 12 << "' y1='" << y - 4 << "' x2='" << left + 32
      << "' y2='" << y - 4 << "' stroke-width='2' stroke='" << colors[i % 10]
      << "'/><text x='" << left + 38 << "' y='" << y << "'>" << esc(p.names[i])
      << "</text>\n";
  }
  o << "</svg>\n";
  std::ofstream out{path};
  if (!out || !(out << o.str()))
    throw std::runtime_error("cannot write " + path);
}

} // namespace gossip::sim
