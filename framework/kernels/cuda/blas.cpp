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

}  // namespace

// cuBLAS is column-major. A row-major (m, n) C is a column-major (n, m) C^T, and
// C^T = op(B)^T op(A)^T, so the call swaps the operands and m with n; the leading dimensions
// stay the row-major ones.
template <>
void gemm<float>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                 const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                 int64_t ldc) {
  if (m == 0 || n == 0) return;
  check(cublasSgemm(blas_handle(), operation(trans_b), operation(trans_a), checked_int(n),
                    checked_int(m), checked_int(k), &alpha, b, checked_int(ldb), a,
                    checked_int(lda), &beta, c, checked_int(ldc)),
        "cublasSgemm");
}

template <>
void gemm<double>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                  const double* a, int64_t lda, const double* b, int64_t ldb, double beta,
                  double* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  check(cublasDgemm(blas_handle(), operation(trans_b), operation(trans_a), checked_int(n),
                    checked_int(m), checked_int(k), &alpha, b, checked_int(ldb), a,
                    checked_int(lda), &beta, c, checked_int(ldc)),
        "cublasDgemm");
}

template <>
void gemm_strided_batched<float>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                                 float alpha, const float* a, int64_t lda, int64_t stride_a,
                                 const float* b, int64_t ldb, int64_t stride_b, float beta,
                                 float* c, int64_t ldc, int64_t stride_c, int64_t count) {
  if (m == 0 || n == 0 || count == 0) return;
  check(cublasSgemmStridedBatched(blas_handle(), operation(trans_b), operation(trans_a),
                                  checked_int(n), checked_int(m), checked_int(k), &alpha, b,
                                  checked_int(ldb), stride_b, a, checked_int(lda), stride_a, &beta,
                                  c, checked_int(ldc), stride_c, checked_int(count)),
        "cublasSgemmStridedBatched");
}

template <>
void gemm_strided_batched<double>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                                  double alpha, const double* a, int64_t lda, int64_t stride_a,
                                  const double* b, int64_t ldb, int64_t stride_b, double beta,
                                  double* c, int64_t ldc, int64_t stride_c, int64_t count) {
  if (m == 0 || n == 0 || count == 0) return;
  check(cublasDgemmStridedBatched(blas_handle(), operation(trans_b), operation(trans_a),
                                  checked_int(n), checked_int(m), checked_int(k), &alpha, b,
                                  checked_int(ldb), stride_b, a, checked_int(lda), stride_a, &beta,
                                  c, checked_int(ldc), stride_c, checked_int(count)),
        "cublasDgemmStridedBatched");
}

}  // namespace recur::cuda
