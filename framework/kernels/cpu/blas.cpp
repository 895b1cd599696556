#include "kernels/cpu/blas.h"

#include <cblas.h>

#include <vector>

#include "kernels/matmul_precision.h"
#include "kernels/precision_math.h"

namespace recur::cpu {

namespace {
CBLAS_TRANSPOSE op(bool trans) {
  return trans ? CblasTrans : CblasNoTrans;
}
blasint i(int64_t v) {
  return static_cast<blasint>(v);
}

// The stored matrix x (rows, cols; rows `ld` apart), each element rounded to `kept` mantissa bits,
// as a dense copy (rows `cols` apart).
std::vector<float> rounded_copy(const float* x, int64_t rows, int64_t cols, int64_t ld, int kept) {
  std::vector<float> out(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t col = 0; col < cols; ++col)
      out[static_cast<size_t>(r * cols + col)] = kernels::round_mantissa(x[r * ld + col], kept);
  }
  return out;
}
}  // namespace

// Under training.precision tf32 or bf16 the inputs are rounded copies (kernels/matmul_precision.h);
// the product accumulates in f32 either way.
template <>
void gemm<float>(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  const int kept = kernels::kept_mantissa_bits(matmul_precision());
  if (kept == 23) {
    cblas_sgemm(CblasRowMajor, op(ta), op(tb), i(m), i(n), i(k), alpha, a, i(lda), b, i(ldb), beta,
                c, i(ldc));
    return;
  }
  const int64_t a_cols = ta ? m : k, b_cols = tb ? k : n;
  const std::vector<float> rounded_a = rounded_copy(a, ta ? k : m, a_cols, lda, kept);
  const std::vector<float> rounded_b = rounded_copy(b, tb ? n : k, b_cols, ldb, kept);
  cblas_sgemm(CblasRowMajor, op(ta), op(tb), i(m), i(n), i(k), alpha, rounded_a.data(), i(a_cols),
              rounded_b.data(), i(b_cols), beta, c, i(ldc));
}

template <>
void gemm<double>(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                  int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, op(ta), op(tb), i(m), i(n), i(k), alpha, a, i(lda), b, i(ldb), beta, c,
              i(ldc));
}

}  // namespace recur::cpu
