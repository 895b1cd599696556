// Dropout masks from counter-based random numbers.
#pragma once

#include <cstdint>

#include "core/rng.h"

namespace recur::cpu {

// Fills mask (steps, batch, width) with 0 (dropped, probability p) or 1 / (1 - p). The draw for
// element (t, b, j) is number (time_offset + t) * width + j of substream batch_offset + b: a
// function of the position in the sequence and of the
// global row, so a row's mask does not depend on how the batch is split across ranks.
template <class T>
void dropout_mask(const RandomStream& stream, int64_t steps, int64_t batch, int64_t width,
                  int64_t batch_offset, int64_t time_offset, double p, T* mask);

}  // namespace recur::cpu
