#include "kernels/cuda/blas.h"

#include <limits>

#include "core/error.h"
#include "kernels/cuda/runtime.h"

namespace recur::cuda {

namespace {

int checked_int(int64_t v) {
  RECUR_CHECK(v <= std::numeric_limits<int>::max(), "gemm dimension ", v, " exceeds cuBLAS's int");
  return static_cast<int>(v);
}

cublasOperation_t operation(bool transpose) {
  return transpose ? CUBLAS_OP_T : CUBLAS_OP_N;
}

// cuBLAS's entry points by element type.
cublasStatus_t strided_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                               int n, int k, const float* alpha, const float* a, int lda,
                               int64_t sa, const float* b, int ldb, int64_t sb, const float* beta,
                               float* c, int ldc, int64_t sc, int count) {
  return cublasSgemmStridedBatched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc,
                                   sc, count);
}

cublasStatus_t strided_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                               int n, int k, const double* alpha, const double* a, int lda,
                               int64_t sa, const double* b, int ldb, int64_t sb, const double* beta,
                               double* c, int ldc, int64_t sc, int count) {
  return cublasDgemmStridedBatched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc,
                                   sc, count);
}

}  // namespace

// cuBLAS is column-major. A row-major (m, n) C is a column-major (n, m) C^T, and
// C^T = op(B)^T op(A)^T, so the call swaps the operands and m with n; the leading dimensions
// stay the row-major ones.
template <class T>
void gemm_strided_batched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
                          const T* a, int64_t lda, int64_t stride_a, const T* b, int64_t ldb,
                          int64_t stride_b, T beta, T* c, int64_t ldc, int64_t stride_c,
                          int64_t count) {
  if (m == 0 || n == 0 || count == 0) return;
  check(strided_batched(blas_handle(), operation(trans_b), operation(trans_a), checked_int(n),
                        checked_int(m), checked_int(k), &alpha, b, checked_int(ldb), stride_b, a,
                        checked_int(lda), stride_a, &beta, c, checked_int(ldc), stride_c,
                        checked_int(count)),
        "cuBLAS gemm");
}

// One GEMM is a batch of one.
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  gemm_strided_batched(trans_a, trans_b, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
}

#define RECUR_INSTANTIATE(T)                                                                   \
  template void gemm<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, \
                        int64_t, T, T*, int64_t);                                              \
  template void gemm_strided_batched<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*,    \
                                        int64_t, int64_t, const T*, int64_t, int64_t, T, T*,   \
                                        int64_t, int64_t, int64_t);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
