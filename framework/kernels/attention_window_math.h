// Luong's local attention (Luong et al. 2015, section 3.2), written once for the CPU loops and the
// CUDA kernels (kernels/cpu/attention.h): row b attends only to the source positions within D of
// its centre p_b, its softmax runs over them alone, and each weight is then scaled by a Gaussian
// around the centre with sigma = D / 2:
//
//   weights[b,s] = softmax_{s in span}(score[b,s]) * exp(-(s - p_b)^2 / (2 sigma^2)),
//   span = the positions s < lengths[b] with |s - p_b| <= D.
//
// Global attention is the window with no centre: the span is every real position, no Gaussian.
#pragma once

#include <cstdint>

#include "core/host_device.h"
#include "kernels/element_math.h"
#include "kernels/kernel_types.h"

namespace recur::kernels {

// The positions [first, end) of row b that attend, of the len that are not padding. Empty when the
// window lies outside them (the row's weights and context are then 0).
struct AttentionSpan {
  int64_t first = 0, end = 0;
};

template <class T>
RECUR_HOST_DEVICE AttentionSpan attention_span(const AttentionWindow<T>& window, int64_t b,
                                               int64_t len) {
  if (window.center == nullptr) return {0, len};
  const double p = static_cast<double>(window.center[b]);
  const auto D = static_cast<double>(window.half_width);
  // ceil and floor without <cmath> on the device: positions are small non-negative integers.
  int64_t first = static_cast<int64_t>(p - D);
  if (static_cast<double>(first) < p - D) first += 1;
  if (first < 0) first = 0;
  int64_t end = static_cast<int64_t>(p + D) + 1;
  if (p + D < 0) end = 0;
  if (end > len) end = len;
  return {first, end > first ? end : first};
}

// The Gaussian factor of position s (1 for global attention).
template <class T>
RECUR_HOST_DEVICE T window_factor(const AttentionWindow<T>& window, int64_t b, int64_t s) {
  if (window.center == nullptr) return T(1);
  const T sigma = T(window.half_width) / T(2);
  const T offset = T(s) - window.center[b];
  return exp_of(-offset * offset / (T(2) * sigma * sigma));
}

// d weight[b,s] / d p_b divided by weight[b,s]: (s - p_b) / sigma^2.
template <class T>
RECUR_HOST_DEVICE T window_center_slope(const AttentionWindow<T>& window, int64_t b, int64_t s) {
  const T sigma = T(window.half_width) / T(2);
  return (T(s) - window.center[b]) / (sigma * sigma);
}

}  // namespace recur::kernels
