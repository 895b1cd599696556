#include "kernels/matmul_precision.h"

#include <atomic>

#include "kernels/precision_math.h"

namespace recur {

namespace {
std::atomic<MatmulPrecision> current{MatmulPrecision::Fp32};
}  // namespace

void set_matmul_precision(MatmulPrecision precision) {
  current.store(precision);
}

MatmulPrecision matmul_precision() {
  return current.load();
}

const char* matmul_precision_name(MatmulPrecision precision) {
  switch (precision) {
    case MatmulPrecision::Fp32:
      return "fp32";
    case MatmulPrecision::Tf32:
      return "tf32";
    case MatmulPrecision::Bf16:
      return "bf16";
  }
  return "";
}

namespace kernels {
int kept_mantissa_bits(MatmulPrecision precision) {
  switch (precision) {
    case MatmulPrecision::Fp32:
      return 23;
    case MatmulPrecision::Tf32:
      return kTf32MantissaBits;
    case MatmulPrecision::Bf16:
      return kBf16MantissaBits;
  }
  return 23;
}
}  // namespace kernels

}  // namespace recur
