#include "autograd/ops/dropout.h"

#include "autograd/ops/common.h"

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
  const Device dev = x.device();
  Tensor mask = Tensor::empty(x.shape(), x.dtype(), dev);
  Tensor out = Tensor::empty(x.shape(), x.dtype(), dev);
  dispatch(x, [&]<class T>() {
    kernels::dropout_mask<T>(dev, spec.stream, steps, batch, width, spec.batch_offset,
                             spec.time_offset, spec.p, mask.device_data<T>());
    kernels::mul<T>(dev, n, x.value().device_data<T>(), mask.device_data<T>(),
                    out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    kernels::mul_accumulate<T>(dev, n, y.grad().device_data<T>(), mask.device_data<T>(),
                               x.grad_buffer().device_data<T>());
  });
}

}  // namespace recur
