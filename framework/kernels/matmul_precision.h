// The precision of f32 matrix products, set once per process from training.precision (as
// torch.backends.cuda.matmul.allow_tf32 is): fp32 multiplies the inputs as they are; tf32 and
// bf16 round them to TF32 (10 mantissa bits) or bfloat16 (7 bits) first, as the GPU's tensor cores
// do, and accumulate in f32 either way. On the GPU, tf32 lets cuBLAS use TF32 tensor cores and
// bf16 hands cuBLAS bfloat16 copies of the inputs; the CPU's GEMM rounds copies of its inputs the
// same way (round to nearest even, kernels/precision_math.h), so the numerics are tested without a
// GPU. f64 products, and everything besides GEMM inputs (activations, master weights, optimiser
// state, softmax, layer norm, losses, the gradient all-reduce), stay as they are.
#pragma once

namespace recur {

enum class MatmulPrecision { Fp32, Tf32, Bf16 };

void set_matmul_precision(MatmulPrecision precision);
MatmulPrecision matmul_precision();
const char* matmul_precision_name(MatmulPrecision precision);

namespace kernels {
// The mantissa bits that `precision` keeps of a GEMM input (23: all of f32's).
int kept_mantissa_bits(MatmulPrecision precision);
}  // namespace kernels

}  // namespace recur
