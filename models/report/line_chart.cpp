#include "report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "report/svg.h"

namespace recur {

namespace {

constexpr double kWidth = 640, kHeight = 400;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 55;
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                   "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
};

// A tick label without trailing zeros: 0.5, 12, 1500.
std::string tick_label(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", std::abs(v) < 1e-12 ? 0.0 : v);
  return text;
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int count) {
  if (high <= low) high = low + 1.0;
  const double raw = (high - low) / std::max(count, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::floor(low / step) * step; t <= high + step * 0.5; t += step)
    ticks.push_back(t);
  if (ticks.back() < high) ticks.push_back(ticks.back() + step);
  return ticks;
}

std::string line_chart_svg(const LineChart& chart) {
  Range xs, ys;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      xs.add(x);
      ys.add(y);
    }
  }
  RECUR_CHECK(xs.low <= xs.high, "chart \"", chart.title, "\": no points to draw");
  const std::vector<double> x_ticks = nice_ticks(std::min(xs.low, 0.0), xs.high, 6);
  const std::vector<double> y_ticks = nice_ticks(ys.low, ys.high, 6);
  const double x0 = x_ticks.front(), x1 = x_ticks.back();
  const double y0 = y_ticks.front(), y1 = y_ticks.back();
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + plot_w * (x - x0) / (x1 - x0); };
  auto py = [&](double y) { return kTop + plot_h * (1.0 - (y - y0) / (y1 - y0)); };

  std::string svg = concat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", kWidth, "\" height=\"", kHeight,
      "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"",
      kWidth / 2, "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">", escape_xml(chart.title),
      "</text>\n");
  for (double t : x_ticks) {
    svg += concat("<line x1=\"", px(t), "\" y1=\"", kTop, "\" x2=\"", px(t), "\" y2=\"",
                  kTop + plot_h, "\" stroke=\"#e5e5e5\"/>\n<text x=\"", px(t), "\" y=\"",
                  kTop + plot_h + 16, "\" text-anchor=\"middle\">", tick_label(t), "</text>\n");
  }
  for (double t : y_ticks) {
    svg += concat("<line x1=\"", kLeft, "\" y1=\"", py(t), "\" x2=\"", kLeft + plot_w, "\" y2=\"",
                  py(t), "\" stroke=\"#e5e5e5\"/>\n<text x=\"", kLeft - 6, "\" y=\"", py(t) + 4,
                  "\" text-anchor=\"end\">", tick_label(t), "</text>\n");
  }
  svg += concat("<rect x=\"", kLeft, "\" y=\"", kTop, "\" width=\"", plot_w, "\" height=\"", plot_h,
                "\" fill=\"none\" stroke=\"#333\"/>\n<text x=\"", kLeft + plot_w / 2, "\" y=\"",
                kHeight - 12, "\" text-anchor=\"middle\">", escape_xml(chart.x_label),
                "</text>\n<text transform=\"translate(16,", kTop + plot_h / 2,
                ") rotate(-90)\" text-anchor=\"middle\">", escape_xml(chart.y_label), "</text>\n");
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    const char* color = kColors[i % std::size(kColors)];
    std::string points;
    for (const auto& [x, y] : s.points) {
      points += concat(px(x), ",", py(y), " ");
      svg += concat("<circle cx=\"", px(x), "\" cy=\"", py(y), "\" r=\"2.5\" fill=\"", color,
                    "\"><title>", escape_xml(s.name), ": ", tick_label(x), ", ", tick_label(y),
                    "</title></circle>\n");
    }
    svg += concat("<polyline points=\"", points, "\" fill=\"none\" stroke=\"", color,
                  "\" stroke-width=\"2\"/>\n");
    const double ly = kTop + 16 + 18 * static_cast<double>(i);
    svg += concat("<line x1=\"", kLeft + 12, "\" y1=\"", ly - 4, "\" x2=\"", kLeft + 36, "\" y2=\"",
                  ly - 4, "\" stroke=\"", color, "\" stroke-width=\"2\"/>\n<text x=\"", kLeft + 42,
                  "\" y=\"", ly, "\">", escape_xml(s.name), "</text>\n");
  }
  return svg + "</svg>\n";
}

}  // namespace recur
