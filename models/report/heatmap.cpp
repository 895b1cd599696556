#include "report/heatmap.h"

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "report/svg.h"

namespace recur {

std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& output,
                          const std::vector<std::vector<float>>& weights,
                          const std::string& title) {
  RECUR_CHECK(weights.size() == output.size(), "heatmap: ", weights.size(), " rows for ",
              output.size(), " outputs");
  constexpr int kCell = 22, kTop = 110;
  size_t longest = 0;
  for (const std::string& label : output)
    longest = std::max(longest, label.size());
  // About 7 pixels a character at 12 points.
  const int left = std::max(130, 7 * static_cast<int>(longest) + 12);
  const int width = std::max(left + kCell * static_cast<int>(source.size()) + 10,
                             7 * static_cast<int>(title.size()) + 12);
  const int height = kTop + kCell * static_cast<int>(output.size()) + 10;
  std::string svg =
      concat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", width, "\" height=\"", height,
             "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" "
             "height=\"100%\" fill=\"white\"/>\n");
  if (!title.empty()) svg += concat("<text x=\"6\" y=\"16\">", escape_xml(title), "</text>\n");
  for (size_t j = 0; j < source.size(); ++j) {
    const int x = left + kCell * static_cast<int>(j) + kCell / 2;
    svg += concat("<text transform=\"translate(", x + 4, ",", kTop - 6, ") rotate(-60)\">",
                  escape_xml(source[j]), "</text>\n");
  }
  for (size_t i = 0; i < output.size(); ++i) {
    const int y = kTop + kCell * static_cast<int>(i);
    svg += concat("<text x=\"", left - 6, "\" y=\"", y + kCell - 6, "\" text-anchor=\"end\">",
                  escape_xml(output[i]), "</text>\n");
    RECUR_CHECK(weights[i].size() == source.size(), "heatmap: row ", i, " has ", weights[i].size(),
                " weights for ", source.size(), " source tokens");
    for (size_t j = 0; j < source.size(); ++j) {
      const int shade = 255 - static_cast<int>(255.0f * std::clamp(weights[i][j], 0.0f, 1.0f));
      char color[8];
      std::snprintf(color, sizeof(color), "#%02x%02x%02x", shade, shade, shade);
      svg += concat("<rect x=\"", left + kCell * static_cast<int>(j), "\" y=\"", y, "\" width=\"",
                    kCell, "\" height=\"", kCell, "\" fill=\"", color, "\" stroke=\"#ccc\"><title>",
                    weights[i][j], "</title></rect>\n");
    }
  }
  return svg + "</svg>\n";
}

}  // namespace recur
