// The rounding of f32 matrix-product inputs under training.precision (kernels/matmul_precision.h),
// written once for the CPU emulation and the CUDA kernels.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/host_device.h"

namespace recur::kernels {

// Mantissa bits kept by TF32 (cuBLAS's TF32 tensor-core inputs) and bfloat16; f32 has 23.
inline constexpr int kTf32MantissaBits = 10;
inline constexpr int kBf16MantissaBits = 7;

// x rounded to nearest, ties to even, to `kept` mantissa bits (the exponent range stays f32's;
// a carry out of the largest finite values gives infinity, as the hardware's conversion does). NaN
// and infinity pass unchanged.
RECUR_HOST_DEVICE float round_mantissa(float x, int kept) {
  uint32_t bits = 0;
  std::memcpy(&bits, &x, sizeof(bits));
  if ((bits & 0x7f800000u) == 0x7f800000u) return x;
  const int dropped = 23 - kept;
  const uint32_t lowest_kept = (bits >> dropped) & 1u;
  bits += ((1u << (dropped - 1)) - 1u) + lowest_kept;
  bits &= ~((1u << dropped) - 1u);
  std::memcpy(&x, &bits, sizeof(x));
  return x;
}

}  // namespace recur::kernels
