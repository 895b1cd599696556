#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/grid_pointers.h"

namespace recur::cuda {

namespace {

// The operands by value, so the kernel's lambda carries them to the device.
struct GridOperands {
  GridOperand operand[3];
};

}  // namespace

void fill_grid_pointers(const GridOperand (&operands)[3], int64_t outer, int64_t inner,
                        void** pointers) {
  const GridOperands ops{{operands[0], operands[1], operands[2]}};
  const int64_t count = outer * inner;
  for_each("fill_grid_pointers", 3 * count, [=] __device__(int64_t j) {
    const GridOperand& op = ops.operand[j / count];
    const int64_t o = j % count / inner, i = j % inner;
    pointers[j] = const_cast<char*>(static_cast<const char*>(op.base)) + o * op.outer_bytes +
                  i * op.inner_bytes;
  });
}

}  // namespace recur::cuda
