#include "autograd/ops/reduce.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

// sum(x) * factor, with gradient factor everywhere.
Var scaled_sum(Tape& tape, const Var& x, double factor) {
  const int64_t n = x.value().numel();
  const Device dev = x.device();
  Tensor total = Tensor::empty({1}, x.dtype(), dev);
  dispatch(x, [&]<class T>() {
    kernels::sum<T>(dev, n, x.value().device_data<T>(), factor, total.device_data<T>());
  });
  return ops_detail::output(tape, total, {&x}, [=]<class T>(const Var& y) {
    kernels::add_scalar<T>(dev, n, y.grad().device_data<T>(), factor,
                           x.grad_buffer().device_data<T>());
  });
}

}  // namespace

Var sum(Tape& tape, const Var& x) {
  return scaled_sum(tape, x, 1.0);
}

Var mean(Tape& tape, const Var& x) {
  return scaled_sum(tape, x, 1.0 / static_cast<double>(std::max<int64_t>(1, x.value().numel())));
}

}  // namespace recur
