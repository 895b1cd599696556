// Line charts as SVG: one line (with point markers) per series, axes with round tick values and a
// legend. Enough for validation curves; no dependency on a plotting library.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace recur {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), in drawing order
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
};

// Throws Error when no series has a point.
std::string line_chart_svg(const LineChart& chart);

// Tick values covering [low, high]: about `count` multiples of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double low, double high, int count);

}  // namespace recur
