// The element formulas of layer normalisation (kernels/cpu/layer_norm.h), written once for the CPU
// loops and the CUDA kernels. The row sums around them stay each backend's own.
#pragma once

#include <cstdint>

#include "core/host_device.h"
#include "kernels/element_math.h"

namespace recur::kernels {

// 1 / sqrt(var + eps) of a row of `dim` values whose squared deviations from the mean sum to
// `squares`.
template <class T>
RECUR_HOST_DEVICE T layer_norm_rstd(T squares, int64_t dim, T eps) {
  return T(1) / sqrt_of(squares / T(dim) + eps);
}

// xhat = (x - mean) rstd
template <class T>
RECUR_HOST_DEVICE T normalised(T x, T mean, T rstd) {
  return (x - mean) * rstd;
}

// y = xhat gain + bias
template <class T>
RECUR_HOST_DEVICE T layer_norm_output(T x, T mean, T rstd, T gain, T bias) {
  return normalised(x, mean, rstd) * gain + bias;
}

// dx = rstd (dy gain - mean_i(g) - xhat mean_i(g xhat)), g = dy gain, given the row's two means.
template <class T>
RECUR_HOST_DEVICE T layer_norm_dx(T dy, T gain, T xhat, T rstd, T g_mean, T gx_mean) {
  return rstd * (dy * gain - g_mean - xhat * gx_mean);
}

}  // namespace recur::kernels
