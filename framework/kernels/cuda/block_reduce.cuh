// Reductions across the threads of a block (blockDim.x a multiple of 32, at most 1024): every
// thread gets the result. The order of additions is fixed by the block size, so results are
// deterministic.
#pragma once

namespace recur::cuda {

template <class T, class Op>
__device__ T warp_reduce(T value, Op op) {
  for (int offset = 16; offset > 0; offset /= 2)
    value = op(value, __shfl_down_sync(0xffffffffu, value, offset));
  return value;
}

template <class T, class Op>
__device__ T block_reduce(T value, Op op) {
  __shared__ T partial[32];
  const unsigned int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  value = warp_reduce(value, op);
  __syncthreads();  // `partial` may still be read by a previous reduction
  if (lane == 0) partial[warp] = value;
  __syncthreads();
  const unsigned int warps = blockDim.x / 32;
  if (warp == 0) value = warp_reduce(lane < warps ? partial[lane] : op.neutral(partial[0]), op);
  if (threadIdx.x == 0) partial[0] = value;
  __syncthreads();
  return partial[0];
}

// Each operation names a neutral element, given any value of the reduction.
struct Sum {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
  template <class T>
  __device__ T neutral(T) const {
    return T(0);
  }
};

struct Max {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a > b ? a : b;
  }
  template <class T>
  __device__ T neutral(T any) const {
    return any;
  }
};

template <class T>
__device__ T block_sum(T value) {
  return block_reduce(value, Sum{});
}

template <class T>
__device__ T block_max(T value) {
  return block_reduce(value, Max{});
}

}  // namespace recur::cuda
