// Column sums of a (rows, cols) matrix that fill the GPU and are deterministic: the rows are cut
// into fixed tiles of kRowsPerTile; a block of kColumnsPerBlock x kRowLanes threads sums one
// tile's rows for kColumnsPerBlock columns (each lane a fixed stride of rows, the lanes then added
// in lane order) into a partial row; a second pass adds the partial rows to the output in tile
// order. The order of additions depends only on the shape, never on the device or on timing (no
// atomics). Bias gradients (sum_rows_accumulate) and layer norm's gain and bias gradients use it.
#pragma once

#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/runtime.h"

namespace recur::cuda {

constexpr int kColumnsPerBlock = 32;
constexpr int kRowLanes = 8;
constexpr int64_t kRowsPerTile = 128;

// partial[tile * cols + c] = sum of term(r, c) over the rows r of tile `blockIdx.y`.
template <class T, class Term>
__global__ void column_tile_sums_kernel(int64_t rows, int64_t cols, Term term, T* partial) {
  __shared__ T lanes[kRowLanes][kColumnsPerBlock];
  const int64_t c = static_cast<int64_t>(blockIdx.x) * kColumnsPerBlock + threadIdx.x;
  const int64_t first = static_cast<int64_t>(blockIdx.y) * kRowsPerTile;
  const int64_t last = rows < first + kRowsPerTile ? rows : first + kRowsPerTile;
  T s = T(0);
  if (c < cols) {
    for (int64_t r = first + threadIdx.y; r < last; r += kRowLanes)
      s += term(r, c);
  }
  lanes[threadIdx.y][threadIdx.x] = s;
  __syncthreads();
  if (threadIdx.y != 0 || c >= cols) return;
  T total = T(0);
  for (int lane = 0; lane < kRowLanes; ++lane)
    total += lanes[lane][threadIdx.x];
  partial[static_cast<int64_t>(blockIdx.y) * cols + c] = total;
}

// out[c] += sum over r of term(r, c), for c in [0, cols); term is a __device__ lambda.
template <class T, class Term>
void add_column_sums(const char* name, int64_t rows, int64_t cols, Term term, T* out) {
  if (rows == 0 || cols == 0) return;
  const int64_t tiles = (rows + kRowsPerTile - 1) / kRowsPerTile;
  const DeviceBuffer scratch(static_cast<size_t>(tiles * cols) * sizeof(T));
  T* partial = scratch.as<T>();
  const dim3 grid(static_cast<unsigned int>((cols + kColumnsPerBlock - 1) / kColumnsPerBlock),
                  static_cast<unsigned int>(tiles));
  column_tile_sums_kernel<<<grid, dim3(kColumnsPerBlock, kRowLanes), 0, compute_stream()>>>(
      rows, cols, term, partial);
  check_launch(name);
  for_each(name, cols, [=] __device__(int64_t c) {
    T s = out[c];
    for (int64_t tile = 0; tile < tiles; ++tile)
      s += partial[tile * cols + c];
    out[c] = s;
  });
}

}  // namespace recur::cuda
