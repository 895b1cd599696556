// One attention step over a batch: scores of every source position, a softmax over the positions
// that are not padding, and the context vector.
//
//   dot:       score[b,s] = <query[b], keys[b,s]>                    (Luong dot and general)
//   additive:  score[b,s] = <v, tanh(query[b] + keys[b,s])>          (Bahdanau and Luong concat;
//                                                                     query and keys projected)
//   weights[b,s] = softmax over s < lengths[b];   context[b] = sum_s weights[b,s] values[b,s]
//
// With a window (local attention), the softmax runs over the positions near each row's centre
// and is scaled by a Gaussian (kernels/attention_window_math.h).
// query (B, D), keys (B, S, D), values (B, S, E), v (D), weights (B, S), context (B, E).
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cpu {

template <class T>
void attention_forward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                       const T* values, const int32_t* lengths, const T* v,
                       const AttentionWindow<T>& window, T* weights, T* context);

// Adds the gradients for dcontext to dquery, dkeys, dvalues, dv and (local attention) dcenter
// (B) (any may be null).
template <class T>
void attention_backward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                        const T* values, const int32_t* lengths, const T* v,
                        const AttentionWindow<T>& window, const T* weights, const T* dcontext,
                        T* dquery, T* dkeys, T* dvalues, T* dv, T* dcenter);

}  // namespace recur::cpu
