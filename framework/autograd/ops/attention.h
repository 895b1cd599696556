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

// query (B, D), keys (B, S, D), values (B, S, E), lengths (B) i32: positions s >= lengths[b] are
// padding. v (D) for the additive score, undefined for the dot score.
AttentionOutputs attention_step(Tape& tape, const Var& query, const Var& keys, const Var& values,
                                const Tensor& lengths, AttentionScore score, const Var& v);

}  // namespace recur
