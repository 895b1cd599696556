// Softmax, log-softmax and the fused log-softmax + cross-entropy over the last dimension of a
// (rows, cols) device matrix: the counterparts of kernels/cpu/softmax.h, with the same contracts.
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cuda {

template <class T>
void softmax_forward(int64_t rows, int64_t cols, const T* x, T* y);
// dx += y * (dy - <dy, y>)
template <class T>
void softmax_backward(int64_t rows, int64_t cols, const T* y, const T* dy, T* dx);
template <class T>
void log_softmax_forward(int64_t rows, int64_t cols, const T* x, T* y);
// dx += dy - exp(y) * sum(dy)
template <class T>
void log_softmax_backward(int64_t rows, int64_t cols, const T* y, const T* dy, T* dx);

// Label smoothing as PyTorch's; saves softmax(logits) in `probs`; loss (1) and nll (1) as the CPU
// kernel's, added over the rows on the device in a fixed order.
template <class T>
void cross_entropy_forward(int64_t rows, int64_t cols, const T* logits, const int32_t* targets,
                           int32_t ignore_index, double smoothing, double inv_normalizer, T* probs,
                           T* loss, double* nll);
// dlogits += dloss[0] * inv_normalizer * (probs - target distribution), on rows whose target is
// not ignore_index.
template <class T>
void cross_entropy_backward(int64_t rows, int64_t cols, const T* probs, const int32_t* targets,
                            int32_t ignore_index, double smoothing, const T* dloss,
                            double inv_normalizer, T* dlogits);

}  // namespace recur::cuda
