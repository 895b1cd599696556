// GEMM through cuBLAS on the current device's compute stream, with the row-major contract of
// kernels/cpu/blas.h: C = alpha * op(A) op(B) + beta * C, op(A) (m, k), op(B) (k, n).
#pragma once

#include <cstdint>

namespace recur::cuda {

template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc);

// Dense matrices with leading dimension = number of columns.
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          const T* b, T beta, T* c) {
  gemm(trans_a, trans_b, m, n, k, alpha, a, trans_a ? m : k, b, trans_b ? k : n, beta, c, n);
}

// `count` independent GEMMs with the contract above: matrix i of A, B and C starts stride_a * i,
// stride_b * i and stride_c * i elements after a, b and c.
template <class T>
void gemm_strided_batched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
                          const T* a, int64_t lda, int64_t stride_a, const T* b, int64_t ldb,
                          int64_t stride_b, T beta, T* c, int64_t ldc, int64_t stride_c,
                          int64_t count);

// Where matrix (o, i) of a grid-shaped batch starts: o * outer + i * inner elements after its
// operand's first element.
struct GridStrides {
  int64_t outer = 0, inner = 0;
};

// outer x inner independent GEMMs with the contract above, in one cuBLAS call over pointer arrays
// (one small kernel writes them). Multi-head attention's (sequence, head) grid is such a batch: its
// heads interleave in the feature dimension, so no single stride reaches every (b, h) matrix.
template <class T>
void gemm_grid_batched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
                       const T* a, int64_t lda, GridStrides stride_a, const T* b, int64_t ldb,
                       GridStrides stride_b, T beta, T* c, int64_t ldc, GridStrides stride_c,
                       int64_t outer, int64_t inner);

}  // namespace recur::cuda
