// The device pointer arrays of a grid-shaped GEMM batch (kernels/cuda/blas.h gemm_grid_batched).
#pragma once

#include <cstdint>

namespace recur::cuda {

// One operand of the batch: matrix (o, i) starts at base + o * outer_bytes + i * inner_bytes.
struct GridOperand {
  const void* base = nullptr;
  int64_t outer_bytes = 0, inner_bytes = 0;
};

// pointers[j * outer * inner + o * inner + i] = the start of matrix (o, i) of operand j, for the
// three operands A, B and C; `pointers` is device memory for 3 * outer * inner pointers.
void fill_grid_pointers(const GridOperand (&operands)[3], int64_t outer, int64_t inner,
                        void** pointers);

}  // namespace recur::cuda
