// Softmax, log-softmax and the fused log-softmax + cross-entropy over the last dimension of a
// (rows, cols) matrix.
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cpu {

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

// Label smoothing follows PyTorch: the target distribution is (1 - s) one_hot(y) + s / cols.
// Saves softmax(logits) in `probs` for the backward pass. Over the rows whose target is not
// ignore_index: loss (1) = inv_normalizer * the sum of the label-smoothed losses, nll (1) = the sum
// of -log p(target) without smoothing, in double. Both stay on the device.
template <class T>
void cross_entropy_forward(int64_t rows, int64_t cols, const T* logits, const int32_t* targets,
                           int32_t ignore_index, double smoothing, double inv_normalizer, T* probs,
                           T* loss, double* nll);
// dlogits += dloss[0] * inv_normalizer * (probs - target distribution), on rows whose target is not
// ignore_index; dloss (1) is the loss's gradient, on the device.
template <class T>
void cross_entropy_backward(int64_t rows, int64_t cols, const T* probs, const int32_t* targets,
                            int32_t ignore_index, double smoothing, const T* dloss,
                            double inv_normalizer, T* dlogits);

}  // namespace recur::cpu
