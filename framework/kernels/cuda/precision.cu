#include <cuda_bf16.h>

#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/precision.h"

namespace recur::cuda {

void round_to_bf16(int64_t n, const float* x, void* out) {
  auto* y = static_cast<__nv_bfloat16*>(out);
  for_each("round_to_bf16", n, [=] __device__(int64_t i) { y[i] = __float2bfloat16_rn(x[i]); });
}

}  // namespace recur::cuda
