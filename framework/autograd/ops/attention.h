// The fused attention step: scores, masked softmax and context in one op with a hand-written
// backward (see kernels/cpu/attention.h for the formulas).
#pragma once

#include "autograd/tape.h"
#include "kernels/kernel_types.h"

namespace recur {

struct AttentionOutputs {
  Var context;     // (B, E)
  Tensor weights;  // (B, S): the alignment (for heatmaps; no gradient flows through it)
};

// Local attention (Luong et al. 2015): row b attends to the positions within half_width of
// center[b] alone, its softmax scaled by a Gaussian around it (kernels/attention_window_math.h).
// center (B), the dtype of the query; its gradient flows when it needs one (Luong's local-p).
struct LocalWindow {
  Var center;  // undefined: global attention
  int64_t half_width = 0;
};

// query (B, D), keys (B, S, D), values (B, S, E), lengths (B) i32: positions s >= lengths[b] are
// padding. v (D) for the additive score, undefined for the dot score.
AttentionOutputs attention_step(Tape& tape, const Var& query, const Var& keys, const Var& values,
                                const Tensor& lengths, AttentionScore score, const Var& v,
                                const LocalWindow& window = {});

}  // namespace recur
