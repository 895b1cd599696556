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

namespace {

// Where the data go on the canvas: tick values of both axes, and the mapping into pixels. With a
// log y axis, y values and y ticks are log10 of the data.
struct Frame {
  std::vector<double> x_ticks, y_ticks;
  bool log_y = false;
  double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;

  double px(double x) const {
    return kLeft + plot_w * (x - x_ticks.front()) / (x_ticks.back() - x_ticks.front());
  }
  double py(double y) const {
    return kTop + plot_h * (1.0 - (y - y_ticks.front()) / (y_ticks.back() - y_ticks.front()));
  }
  std::string y_label(double tick) const {
    if (!log_y) return tick_label(tick);
    char text[32];
    std::snprintf(text, sizeof(text), "%g", std::pow(10.0, tick));
    return text;
  }
};

// The points of a series as they are drawn: log10 of y on a log axis, without y <= 0 there.
std::vector<std::pair<double, double>> drawn_points(const ChartSeries& s, bool log_y) {
  std::vector<std::pair<double, double>> out;
  for (const auto& [x, y] : s.points) {
    if (!log_y) {
      out.emplace_back(x, y);
    } else if (y > 0) {
      out.emplace_back(x, std::log10(y));
    }
  }
  return out;
}

// Whole decades covering [low, high], about 6 of them at most.
std::vector<double> decade_ticks(double low, double high) {
  const double first = std::floor(low), last = std::max(std::ceil(high), first + 1);
  const double step = std::max(1.0, std::ceil((last - first) / 6));
  std::vector<double> ticks;
  for (double t = first; t < last + step; t += step)
    ticks.push_back(t);
  return ticks;
}

Frame frame_of(const LineChart& chart) {
  Range xs, ys;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : drawn_points(s, chart.log_y)) {
      xs.add(x);
      ys.add(y);
    }
  }
  RECUR_CHECK(xs.low <= xs.high, "chart \"", chart.title, "\": no points to draw");
  Frame f;
  f.log_y = chart.log_y;
  f.x_ticks = nice_ticks(std::min(xs.low, 0.0), xs.high, 6);
  f.y_ticks = chart.log_y ? decade_ticks(ys.low, ys.high) : nice_ticks(ys.low, ys.high, 6);
  return f;
}

// Title, grid lines with tick labels, the plot's border and the axis labels.
std::string axes_svg(const LineChart& chart, const Frame& f) {
  std::string svg =
      concat("<text x=\"", kWidth / 2, "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">",
             escape_xml(chart.title), "</text>\n");
  for (double t : f.x_ticks) {
    svg += concat("<line x1=\"", f.px(t), "\" y1=\"", kTop, "\" x2=\"", f.px(t), "\" y2=\"",
                  kTop + f.plot_h, "\" stroke=\"#e5e5e5\"/>\n<text x=\"", f.px(t), "\" y=\"",
                  kTop + f.plot_h + 16, "\" text-anchor=\"middle\">", tick_label(t), "</text>\n");
  }
  for (double t : f.y_ticks) {
    svg += concat("<line x1=\"", kLeft, "\" y1=\"", f.py(t), "\" x2=\"", kLeft + f.plot_w,
                  "\" y2=\"", f.py(t), "\" stroke=\"#e5e5e5\"/>\n<text x=\"", kLeft - 6, "\" y=\"",
                  f.py(t) + 4, "\" text-anchor=\"end\">", f.y_label(t), "</text>\n");
  }
  return svg + concat("<rect x=\"", kLeft, "\" y=\"", kTop, "\" width=\"", f.plot_w, "\" height=\"",
                      f.plot_h, "\" fill=\"none\" stroke=\"#333\"/>\n<text x=\"",
                      kLeft + f.plot_w / 2, "\" y=\"", kHeight - 12, "\" text-anchor=\"middle\">",
                      escape_xml(chart.x_label), "</text>\n<text transform=\"translate(16,",
                      kTop + f.plot_h / 2, ") rotate(-90)\" text-anchor=\"middle\">",
                      escape_xml(chart.y_label), "</text>\n");
}

const char* color_of(const ChartSeries& s, size_t i) {
  const size_t index = s.color >= 0 ? static_cast<size_t>(s.color) : i;
  return kColors[index % std::size(kColors)];
}

std::string stroke_of(const ChartSeries& s, size_t i) {
  return concat("stroke=\"", color_of(s, i), "\" stroke-width=\"2\"",
                s.dashed ? " stroke-dasharray=\"6 4\"" : "");
}

// Series i: its points with their values as tooltips and the line through them.
std::string series_svg(const ChartSeries& s, size_t i, const Frame& f) {
  std::string svg, points;
  for (const auto& [x, y] : drawn_points(s, f.log_y)) {
    points += concat(f.px(x), ",", f.py(y), " ");
    if (s.dashed) continue;
    svg += concat("<circle cx=\"", f.px(x), "\" cy=\"", f.py(y), "\" r=\"2.5\" fill=\"",
                  color_of(s, i), "\"><title>", escape_xml(s.name), ": ", tick_label(x), ", ",
                  tick_label(f.log_y ? std::pow(10.0, y) : y), "</title></circle>\n");
  }
  return svg + concat("<polyline points=\"", points, "\" fill=\"none\" ", stroke_of(s, i), "/>\n");
}

// The legend in the plot's top left corner, on a white box that hides the lines behind it.
std::string legend_svg(const LineChart& chart) {
  size_t longest = 0;
  for (const ChartSeries& s : chart.series)
    longest = std::max(longest, s.name.size());
  const auto rows = static_cast<double>(chart.series.size());
  std::string svg = concat("<rect x=\"", kLeft + 6, "\" y=\"", kTop + 4, "\" width=\"",
                           44 + 7 * static_cast<double>(longest), "\" height=\"", 18 * rows + 6,
                           "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n");
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    const double ly = kTop + 20 + 18 * static_cast<double>(i);
    svg += concat("<line x1=\"", kLeft + 12, "\" y1=\"", ly - 4, "\" x2=\"", kLeft + 36, "\" y2=\"",
                  ly - 4, "\" ", stroke_of(s, i), "/>\n<text x=\"", kLeft + 42, "\" y=\"", ly,
                  "\">", escape_xml(s.name), "</text>\n");
  }
  return svg;
}

}  // namespace

std::string line_chart_svg(const LineChart& chart) {
  const Frame f = frame_of(chart);
  std::string svg =
      concat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", kWidth, "\" height=\"", kHeight,
             "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect "
             "width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  svg += axes_svg(chart, f);
  for (size_t i = 0; i < chart.series.size(); ++i)
    svg += series_svg(chart.series[i], i, f);
  return svg + legend_svg(chart) + "</svg>\n";
}

}  // namespace recur
