// The bfloat16 inputs of training.precision bf16 (kernels/matmul_precision.h) on the device.
#pragma once

#include <cstdint>

namespace recur::cuda {

// out[0, n) = x rounded to bfloat16 (nearest, ties to even): `out` holds n 2-byte elements.
void round_to_bf16(int64_t n, const float* x, void* out);

}  // namespace recur::cuda
