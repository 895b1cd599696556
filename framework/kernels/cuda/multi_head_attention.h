// Scaled dot-product attention of several heads on the device: the counterpart of
// kernels/cpu/multi_head_attention.h (layouts, masks and formulas there). The products are
// cuBLAS GEMMs batched over the sequences, one call per head.
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cuda {

template <class T>
void multi_head_attention_forward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                  const int32_t* key_lengths, T* probs, T* out);

// Adds the gradients for dout to dq, dk and dv (any may be null).
template <class T>
void multi_head_attention_backward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                   const T* probs, const T* dout, T* dq, T* dk, T* dv);

}  // namespace recur::cuda
