// The DMN papers' picture of a question: the attention gates over the story's facts (rows) in each
// pass of the episodic memory (columns), as an SVG heatmap.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "data/qa_stories.h"

namespace recur {

// gates: per pass, (B, F) as QaModel::Output::attention; row `row` of the batch is `example`
// (its last facts when max_facts cut the story: `first_fact` is the first one seen).
std::string episode_svg(const QaExample& example, int64_t first_fact,
                        const std::vector<Tensor>& gates, int64_t row,
                        const std::string& predicted);

}  // namespace recur
