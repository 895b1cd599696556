#include "autograd/ops/dropout.h"

#include "autograd/ops/common.h"
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/elementwise.h"

namespace recur {

using ops_detail::dispatch;

Var dropout(Tape& tape, const Var& x, const DropoutSpec& spec) {
  RECUR_CHECK(spec.p >= 0.0 && spec.p < 1.0, "dropout probability must be in [0, 1), got ", spec.p);
  if (spec.p == 0.0) return x;
  const int rank = x.shape().rank();
  RECUR_ASSERT(rank == 2 || rank == 3, "dropout of ", x.shape().str());
  const int64_t steps = rank == 3 ? x.shape()[0] : 1;
  const int64_t batch = x.shape()[rank - 2], width = x.shape()[rank - 1];
  const int64_t n = x.value().numel();
  Tensor mask = Tensor::empty(x.shape(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  dispatch(x, [&]<class T>() {
    cpu::dropout_mask<T>(spec.stream, steps, batch, width, spec.batch_offset, spec.time_offset,
                         spec.p, mask.data<T>());
    cpu::mul<T>(n, x.value().data<T>(), mask.data<T>(), out.data<T>());
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    cpu::mul_accumulate<T>(n, y.grad().data<T>(), mask.data<T>(), x.grad_buffer().data<T>());
  });
}

}  // namespace recur
