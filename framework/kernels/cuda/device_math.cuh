// Scalar functions shared by the CUDA kernels.
#pragma once

namespace recur::cuda {

template <class T>
__device__ T sigmoid_of(T x) {
  return T(1) / (T(1) + exp(-x));
}

}  // namespace recur::cuda
