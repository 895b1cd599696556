#include "kernels/cuda/blas.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "core/device_counters.h"
#include "core/error.h"
#include "kernels/cuda/precision.h"
#include "kernels/cuda/runtime.h"
#include "kernels/matmul_precision.h"

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

// The elements a strided batch of stored matrices (rows, cols; rows ld apart) spans.
int64_t batch_extent(int64_t rows, int64_t cols, int64_t ld, int64_t stride, int64_t count) {
  if (rows == 0 || cols == 0) return 0;
  return (count - 1) * stride + (rows - 1) * ld + cols;
}

// training.precision bf16: bfloat16 copies of A and B, accumulated in f32 into the f32 C.
void gemm_bf16(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, int64_t stride_a, const float* b, int64_t ldb,
               int64_t stride_b, float beta, float* c, int64_t ldc, int64_t stride_c,
               int64_t count) {
  const int64_t a_extent = batch_extent(trans_a ? k : m, trans_a ? m : k, lda, stride_a, count);
  const int64_t b_extent = batch_extent(trans_b ? n : k, trans_b ? k : n, ldb, stride_b, count);
  const DeviceBuffer a16(static_cast<size_t>(std::max<int64_t>(a_extent, 1)) * 2);
  const DeviceBuffer b16(static_cast<size_t>(std::max<int64_t>(b_extent, 1)) * 2);
  round_to_bf16(a_extent, a, a16.as<void>());
  round_to_bf16(b_extent, b, b16.as<void>());
  count_launch();
  check(cublasGemmStridedBatchedEx(blas_handle(), operation(trans_b), operation(trans_a),
                                   checked_int(n), checked_int(m), checked_int(k), &alpha,
                                   b16.as<void>(), CUDA_R_16BF, checked_int(ldb), stride_b,
                                   a16.as<void>(), CUDA_R_16BF, checked_int(lda), stride_a, &beta,
                                   c, CUDA_R_32F, checked_int(ldc), stride_c, checked_int(count),
                                   CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
        "cuBLAS bf16 gemm");
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
  if constexpr (std::is_same_v<T, float>) {
    const MatmulPrecision precision = matmul_precision();
    if (precision == MatmulPrecision::Bf16) {
      gemm_bf16(trans_a, trans_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta, c, ldc,
                stride_c, count);
      return;
    }
    check(cublasSetMathMode(blas_handle(), precision == MatmulPrecision::Tf32
                                               ? CUBLAS_TF32_TENSOR_OP_MATH
                                               : CUBLAS_DEFAULT_MATH),
          "cublasSetMathMode");
  }
  count_launch();
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
