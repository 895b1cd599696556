#include "kernels/matmul_flops.h"

#include <atomic>

namespace recur::kernels {

namespace {
// Relaxed: a tally read after the work is done, never used to order memory.
std::atomic<int64_t> total_flops{0};
}  // namespace

int64_t matmul_flops() {
  return total_flops.load(std::memory_order_relaxed);
}

void add_matmul_flops(int64_t flops) {
  total_flops.fetch_add(flops, std::memory_order_relaxed);
}

}  // namespace recur::kernels
