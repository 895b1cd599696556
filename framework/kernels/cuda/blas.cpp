#include "kernels/cuda/blas.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "core/device_counters.h"
#include "core/error.h"
#include "kernels/cuda/grid_pointers.h"
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

// The elements a grid batch of stored matrices spans, for the operand op(X) (rows, cols) of a
// GEMM: X itself is stored (cols, rows) when transposed, its rows ld apart.
int64_t operand_extent(bool trans, int64_t rows, int64_t cols, int64_t ld, GridStrides s,
                       int64_t outer, int64_t inner) {
  if (trans) std::swap(rows, cols);
  if (rows == 0 || cols == 0) return 0;
  return (outer - 1) * s.outer + (inner - 1) * s.inner + (rows - 1) * ld + cols;
}

// training.precision bf16: bfloat16 copies of a GEMM batch's A and B, in their own layouts (the
// operands' element offsets stay valid, over 2-byte elements).
class Bf16Inputs {
 public:
  Bf16Inputs(const float* a, int64_t a_extent, const float* b, int64_t b_extent)
      : a_(bytes(a_extent)), b_(bytes(b_extent)) {
    round_to_bf16(a_extent, a, a_.as<void>());
    round_to_bf16(b_extent, b, b_.as<void>());
  }
  const void* a() const { return a_.as<void>(); }
  const void* b() const { return b_.as<void>(); }

 private:
  static size_t bytes(int64_t extent) {
    return static_cast<size_t>(std::max<int64_t>(extent, 1)) * 2;
  }
  DeviceBuffer a_, b_;
};

// A strided batch under training.precision bf16, accumulated in f32 into the f32 C.
void gemm_bf16(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, int64_t stride_a, const float* b, int64_t ldb,
               int64_t stride_b, float beta, float* c, int64_t ldc, int64_t stride_c,
               int64_t count) {
  const Bf16Inputs in(a, operand_extent(trans_a, m, k, lda, {stride_a, 0}, count, 1), b,
                      operand_extent(trans_b, k, n, ldb, {stride_b, 0}, count, 1));
  count_launch();
  check(cublasGemmStridedBatchedEx(
            blas_handle(), operation(trans_b), operation(trans_a), checked_int(n), checked_int(m),
            checked_int(k), &alpha, in.b(), CUDA_R_16BF, checked_int(ldb), stride_b, in.a(),
            CUDA_R_16BF, checked_int(lda), stride_a, &beta, c, CUDA_R_32F, checked_int(ldc),
            stride_c, checked_int(count), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
        "cuBLAS bf16 gemm");
}

// TF32 tensor cores for f32 GEMMs under training.precision tf32 only.
void set_math_mode(MatmulPrecision precision) {
  check(cublasSetMathMode(blas_handle(), precision == MatmulPrecision::Tf32
                                             ? CUBLAS_TF32_TENSOR_OP_MATH
                                             : CUBLAS_DEFAULT_MATH),
        "cublasSetMathMode");
}

GridOperand grid_operand(const void* base, GridStrides s, size_t element_bytes) {
  const auto bytes = static_cast<int64_t>(element_bytes);
  return {base, s.outer * bytes, s.inner * bytes};
}

// The element types of one cublasGemmBatchedEx call: A and B, C, and the computation.
struct GemmTypes {
  cudaDataType_t inputs, output;
  cublasComputeType_t compute;
  size_t input_bytes, output_bytes;
};

template <class T>
GemmTypes native_types() {
  if constexpr (std::is_same_v<T, float>)
    return {CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F, 4, 4};
  else
    return {CUDA_R_64F, CUDA_R_64F, CUBLAS_COMPUTE_64F, 8, 8};
}

// The row-major grid batch C(o, i) = alpha op(A(o, i)) op(B(o, i)) + beta C(o, i) over pointer
// arrays, with A and B stored as types.inputs (already converted) and C as types.output.
template <class T>
void grid_batched(const GemmTypes& types, bool trans_a, bool trans_b, int64_t m, int64_t n,
                  int64_t k, T alpha, const void* a, int64_t lda, GridStrides stride_a,
                  const void* b, int64_t ldb, GridStrides stride_b, T beta, T* c, int64_t ldc,
                  GridStrides stride_c, int64_t outer, int64_t inner) {
  const int64_t count = outer * inner;
  const DeviceBuffer pointers(static_cast<size_t>(3 * count) * sizeof(void*));
  void** p = pointers.as<void*>();  // A's count pointers, then B's, then C's
  fill_grid_pointers(
      {grid_operand(a, stride_a, types.input_bytes), grid_operand(b, stride_b, types.input_bytes),
       grid_operand(c, stride_c, types.output_bytes)},
      outer, inner, p);
  count_launch();
  check(cublasGemmBatchedEx(blas_handle(), operation(trans_b), operation(trans_a), checked_int(n),
                            checked_int(m), checked_int(k), &alpha, p + count, types.inputs,
                            checked_int(ldb), p, types.inputs, checked_int(lda), &beta,
                            p + 2 * count, types.output, checked_int(ldc), checked_int(count),
                            types.compute, CUBLAS_GEMM_DEFAULT),
        "cuBLAS batched gemm");
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
    set_math_mode(precision);
  }
  count_launch();
  check(strided_batched(blas_handle(), operation(trans_b), operation(trans_a), checked_int(n),
                        checked_int(m), checked_int(k), &alpha, b, checked_int(ldb), stride_b, a,
                        checked_int(lda), stride_a, &beta, c, checked_int(ldc), stride_c,
                        checked_int(count)),
        "cuBLAS gemm");
}

template <class T>
void gemm_grid_batched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
                       const T* a, int64_t lda, GridStrides stride_a, const T* b, int64_t ldb,
                       GridStrides stride_b, T beta, T* c, int64_t ldc, GridStrides stride_c,
                       int64_t outer, int64_t inner) {
  if (m == 0 || n == 0 || outer * inner == 0) return;
  if constexpr (std::is_same_v<T, float>) {
    const MatmulPrecision precision = matmul_precision();
    if (precision == MatmulPrecision::Bf16) {
      const Bf16Inputs in(a, operand_extent(trans_a, m, k, lda, stride_a, outer, inner), b,
                          operand_extent(trans_b, k, n, ldb, stride_b, outer, inner));
      grid_batched({CUDA_R_16BF, CUDA_R_32F, CUBLAS_COMPUTE_32F, 2, 4}, trans_a, trans_b, m, n, k,
                   alpha, in.a(), lda, stride_a, in.b(), ldb, stride_b, beta, c, ldc, stride_c,
                   outer, inner);
      return;
    }
    set_math_mode(precision);
  }
  grid_batched(native_types<T>(), trans_a, trans_b, m, n, k, alpha, a, lda, stride_a, b, ldb,
               stride_b, beta, c, ldc, stride_c, outer, inner);
}

// One GEMM is a batch of one.
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  gemm_strided_batched(trans_a, trans_b, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
}

#define RECUR_INSTANTIATE(T)                                                                      \
  template void gemm<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*,    \
                        int64_t, T, T*, int64_t);                                                 \
  template void gemm_strided_batched<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*,       \
                                        int64_t, int64_t, const T*, int64_t, int64_t, T, T*,      \
                                        int64_t, int64_t, int64_t);                               \
  template void gemm_grid_batched<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, \
                                     GridStrides, const T*, int64_t, GridStrides, T, T*, int64_t, \
                                     GridStrides, int64_t, int64_t);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
