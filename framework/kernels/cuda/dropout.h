// Dropout masks on the device from the same counter-based random numbers as
// kernels/cpu/dropout.h: for the same stream and offsets both kernels write the same mask.
#pragma once

#include <cstdint>

#include "core/rng.h"

namespace recur::cuda {

// Fills mask (steps, batch, width) with 0 (dropped, probability p) or 1 / (1 - p); element
// (t, b, j) is draw (time_offset + t) * width + j of substream batch_offset + b.
template <class T>
void dropout_mask(const RandomStream& stream, int64_t steps, int64_t batch, int64_t width,
                  int64_t batch_offset, int64_t time_offset, double p, T* mask);

}  // namespace recur::cuda
