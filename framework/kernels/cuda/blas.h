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

}  // namespace recur::cuda
