// training.precision: the rounding of f32 matrix-product inputs to TF32 or bfloat16
// (kernels/matmul_precision.h) against an independent round-to-nearest-even reference, and the
// CPU's emulated GEMM against the plain GEMM of reference-rounded inputs, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/cpu/blas.h"
#include "kernels/matmul_precision.h"
#include "kernels/precision_math.h"

namespace recur {

namespace {

constexpr int kMantissas[] = {kernels::kTf32MantissaBits, kernels::kBf16MantissaBits};

// x rounded to `kept` mantissa bits in double arithmetic: x / ulp rounded by nearbyint (in the
// default mode: to nearest, ties to even), times ulp. Subnormals share the smallest exponent.
float reference_round(float x, int kept) {
  if (!std::isfinite(x) || x == 0.0f) return x;
  const int exponent = std::max(std::ilogb(x), std::numeric_limits<float>::min_exponent - 1);
  const double ulp = std::ldexp(1.0, exponent - kept);
  return static_cast<float>(std::nearbyint(static_cast<double>(x) / ulp) * ulp);
}

// Sets the process's matmul precision for a scope.
struct PrecisionScope {
  explicit PrecisionScope(MatmulPrecision p) { set_matmul_precision(p); }
  ~PrecisionScope() { set_matmul_precision(MatmulPrecision::Fp32); }
};

// Magnitudes from 1e-40 (subnormal) to 1e30, both signs.
std::vector<float> wide_range_values(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> log_magnitude(-40.0, 30.0);
  std::vector<float> values(count);
  for (float& v : values) {
    v = static_cast<float>(std::pow(10.0, log_magnitude(rng)) * (rng() % 2 ? 1.0 : -1.0));
  }
  return values;
}

// Standard normal values.
std::vector<float> normal_values(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> values(count);
  for (float& v : values)
    v = normal(rng);
  return values;
}

TEST(MatmulPrecision, RoundingIsToNearestEven) {
  for (int kept : kMantissas) {
    const float step = std::ldexp(1.0f, -kept);  // the spacing of representable values at 1
    // Halfway between 1 and 1 + step: to the even 1; between 1 + step and 1 + 2 step: to 1 + 2
    // step.
    EXPECT_EQ(kernels::round_mantissa(1.0f + step / 2, kept), 1.0f);
    EXPECT_EQ(kernels::round_mantissa(1.0f + 1.5f * step, kept), 1.0f + 2 * step);
    EXPECT_EQ(kernels::round_mantissa(-(1.0f + 1.5f * step), kept), -(1.0f + 2 * step));
    EXPECT_EQ(kernels::round_mantissa(1.0f + 0.75f * step, kept), 1.0f + step);
    EXPECT_EQ(kernels::round_mantissa(std::numeric_limits<float>::infinity(), kept),
              std::numeric_limits<float>::infinity());
    EXPECT_TRUE(std::isnan(kernels::round_mantissa(std::nanf(""), kept)));
    for (float x : wide_range_values(100000, 7)) {
      ASSERT_EQ(kernels::round_mantissa(x, kept), reference_round(x, kept))
          << x << " to " << kept << " bits";
    }
  }
}

// C = op(A) op(B) + C for padded, transposed operands: under tf32 and bf16 the CPU's GEMM equals,
// bit for bit, the plain f32 GEMM of the reference-rounded inputs, and differs from the plain f32
// GEMM of the inputs themselves.
TEST(MatmulPrecision, EmulatedGemmIsTheGemmOfRoundedInputs) {
  const int64_t m = 37, n = 29, k = 41, lda = 50, ldb = 45;
  const std::vector<float> a = normal_values(static_cast<size_t>(k * lda), 1);
  const std::vector<float> b = normal_values(static_cast<size_t>(n * ldb), 2);
  const auto rounded = [](std::vector<float> v, int kept) {
    for (float& x : v)
      x = reference_round(x, kept);
    return v;
  };
  const std::vector<float> c0(static_cast<size_t>(m * n), 0.5f);
  const auto product = [&](const std::vector<float>& x, const std::vector<float>& y) {
    std::vector<float> c = c0;
    cpu::gemm<float>(true, true, m, n, k, 1.0f, x.data(), lda, y.data(), ldb, 1.0f, c.data(), n);
    return c;
  };
  const std::vector<float> fp32 = product(a, b);
  for (MatmulPrecision precision : {MatmulPrecision::Tf32, MatmulPrecision::Bf16}) {
    const int kept = kernels::kept_mantissa_bits(precision);
    const std::vector<float> reference = product(rounded(a, kept), rounded(b, kept));
    const PrecisionScope scope(precision);
    const std::vector<float> emulated = product(a, b);
    EXPECT_EQ(emulated, reference) << matmul_precision_name(precision);
    EXPECT_NE(emulated, fp32) << matmul_precision_name(precision);
  }
}

}  // namespace

}  // namespace recur
