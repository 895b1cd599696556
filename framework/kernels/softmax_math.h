// The element formulas of softmax, log-softmax and the fused cross-entropy (contracts in
// kernels/cpu/softmax.h), written once for the CPU loops and the CUDA kernels; the attention
// kernels' softmax gradients use them too. The row reductions around them (maxima, sums) stay each
// backend's own: a loop on the CPU, a block of threads on the device.
#pragma once

#include <cstdint>

#include "core/host_device.h"
#include "kernels/element_math.h"

namespace recur::kernels {

// log sum_i exp(x_i) of a row from its maximum and sum_i exp(x_i - max): log_softmax(x) = x - it.
template <class T>
RECUR_HOST_DEVICE T log_normaliser(T max, T sum_exp) {
  return max + log_of(sum_exp);
}

// dx of softmax for one element: y (dy - <dy, y>), given dot = <dy, y> of the row.
template <class T>
RECUR_HOST_DEVICE T softmax_grad(T y, T dy, T dot) {
  return y * (dy - dot);
}

// dx of log-softmax for one element: dy - exp(y) sum(dy), given total = sum(dy) of the row.
template <class T>
RECUR_HOST_DEVICE T log_softmax_grad(T y, T dy, T total) {
  return dy - exp_of(y) * total;
}

// The label-smoothed loss of one row from nll = log Z - x[target], log Z and the sum of the row's
// logits (read only when smoothing > 0): (1 - s) nll + s (log Z - mean(x)), since the uniform
// part -(1/V) sum_v log p_v is log Z - mean(x).
RECUR_HOST_DEVICE double smoothed_loss(double nll, double log_z, double sum_x, int64_t cols,
                                       double smoothing) {
  double loss = (1.0 - smoothing) * nll;
  if (smoothing > 0.0) loss += smoothing * (log_z - sum_x / static_cast<double>(cols));
  return loss;
}

// dlogits of one element: scale (p - s / V); the target's element also loses scale (1 - s).
template <class T>
RECUR_HOST_DEVICE T cross_entropy_grad(T scale, T p, T uniform) {
  return scale * (p - uniform);
}

}  // namespace recur::kernels
