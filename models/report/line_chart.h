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
  int color = -1;       // index into the palette; -1: the series' own position
  bool dashed = false;  // a dashed line without point markers (a reference beside a solid one)
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
  // y on a log10 scale with a tick per decade (or every few decades); points with y <= 0 are not
  // drawn.
  bool log_y = false;
};

// Throws Error when no series has a point.
std::string line_chart_svg(const LineChart& chart);

// Tick values covering [low, high]: about `count` multiples of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double low, double high, int count);

}  // namespace recur
