// Element-wise launches: fn(i) for every i in [0, n), on the current device's compute stream. The
// grid covers n with blocks of kThreads (up to a limit) and each thread loops with a grid stride
// beyond that. fn is a __device__ lambda (nvcc --extended-lambda) or a functor.
#pragma once

#include "kernels/cuda/runtime.h"

namespace recur::cuda {

template <class Fn>
__global__ void for_each_kernel(int64_t n, Fn fn) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    fn(i);
}

// `name` names the kernel in a launch error.
template <class Fn>
void for_each(const char* name, int64_t n, Fn fn) {
  if (n <= 0) return;
  for_each_kernel<<<blocks_for(n), kThreads, 0, compute_stream()>>>(n, fn);
  check_launch(name);
}

}  // namespace recur::cuda
