// One attention step over a batch on the device: the counterpart of kernels/cpu/attention.h
// (scores, masks and layouts there). One block of threads per batch row.
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cuda {

template <class T>
void attention_forward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                       const T* values, const int32_t* lengths, const T* v,
                       const AttentionWindow<T>& window, T* weights, T* context);

// Adds the gradients for dcontext to dquery, dkeys, dvalues, dv and dcenter (any may be null). dv
// sums over the batch in row order.
template <class T>
void attention_backward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                        const T* values, const int32_t* lengths, const T* v,
                        const AttentionWindow<T>& window, const T* weights, const T* dcontext,
                        T* dquery, T* dkeys, T* dvalues, T* dv, T* dcenter);

}  // namespace recur::cuda
