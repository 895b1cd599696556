// The dropout decision for one element, written once for the CPU loop and the CUDA kernel, so that
// both turn the same Philox draws into the same mask (kernels/cpu/dropout.h).
#pragma once

#include <cmath>
#include <cstdint>

#include "core/host_device.h"

namespace recur::kernels {

// Keep when the draw's 24 random bits are >= p * 2^24, as RandomStream::uniform() >= p would.
inline uint32_t dropout_threshold(double p) {
  return static_cast<uint32_t>(std::ceil(p * 0x1p24));
}

// The value of a kept element: 1 / (1 - p).
template <class T>
T dropout_keep_scale(double p) {
  return static_cast<T>(1.0 / (1.0 - p));
}

// keep_scale for a kept element, 0 for a dropped one.
template <class T>
RECUR_HOST_DEVICE T dropout_mask_value(uint32_t draw, uint32_t threshold, T keep_scale) {
  return (draw >> 8) >= threshold ? keep_scale : T(0);
}

}  // namespace recur::kernels
