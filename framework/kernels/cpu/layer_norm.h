// Layer normalisation over the last dimension of a (rows, D) matrix (Ba et al.):
//
//   mean[r] = sum_i x[r,i] / D,   rstd[r] = 1 / sqrt(sum_i (x[r,i] - mean[r])^2 / D + eps)
//   y[r,i]  = (x[r,i] - mean[r]) rstd[r] gain[i] + bias[i]
//
// The forward pass saves mean and rstd (rows) for the backward pass, which is
//   xhat = (x - mean) rstd,  g = dy gain
//   dx   = rstd (g - mean_i(g) - xhat mean_i(g xhat)),  dgain = sum_r dy xhat,  dbias = sum_r dy.
#pragma once

#include <cstdint>

namespace recur::cpu {

template <class T>
void layer_norm_forward(int64_t rows, int64_t dim, double eps, const T* x, const T* gain,
                        const T* bias, T* y, T* mean, T* rstd);

// Adds the gradients for dy to dx, dgain and dbias (any may be null).
template <class T>
void layer_norm_backward(int64_t rows, int64_t dim, const T* x, const T* gain, const T* mean,
                         const T* rstd, const T* dy, T* dx, T* dgain, T* dbias);

}  // namespace recur::cpu
