// A running count of the matrix-product FLOPs that the kernels of dispatch.h were asked to do:
// 2 m n k per GEMM, and the score and weighted-sum contractions of the attention kernels (a
// full square of scores also under a causal mask, as dense GEMMs would compute). It is what a
// model really computes, against which the models' analytic formulas (their forward_flops) are
// tested; recur bench's fraction of peak uses those formulas.
#pragma once

#include <cstdint>

namespace recur::kernels {

// Since the process started, on every device and thread.
int64_t matmul_flops();
void add_matmul_flops(int64_t flops);

}  // namespace recur::kernels
