// Attention heatmaps as SVG: source tokens along the top, output tokens down the side, each cell
// shaded by its attention weight (the alignment matrix of Bahdanau et al.).
#pragma once

#include <string>
#include <vector>

namespace recur {

// weights[i][j]: attention of output token i on source token j. The labels of the rows get the
// room the longest needs; `title`, when given, is written above.
std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& output,
                          const std::vector<std::vector<float>>& weights,
                          const std::string& title = "");

}  // namespace recur
