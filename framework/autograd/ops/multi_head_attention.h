// Multi-head scaled dot-product attention with padding and causal masks, one fused op with a
// hand-written backward (see kernels/cpu/multi_head_attention.h for the formulas and layouts).
#pragma once

#include "autograd/tape.h"

namespace recur {

struct MultiHeadAttentionOutputs {
  Var out;       // (B, Tq, H*Dv)
  Tensor probs;  // (B, H, Tq, Tk): the attention weights (for heatmaps; no gradient flows)
};

// q (B, Tq, H*Dk), k (B, Tk, H*Dk), v (B, Tk, H*Dv), key_lengths (B) i32: keys j >= key_lengths[b]
// are padding. causal: query i sees keys j <= i + Tk - Tq.
MultiHeadAttentionOutputs multi_head_attention(Tape& tape, const Var& q, const Var& k, const Var& v,
                                               const Tensor& key_lengths, int64_t heads,
                                               bool causal);

}  // namespace recur
