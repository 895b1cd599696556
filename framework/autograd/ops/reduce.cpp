#include "autograd/ops/reduce.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

// sum(x) * factor, with gradient factor everywhere.
Var scaled_sum(Tape& tape, const Var& x, double factor) {
  const int64_t n = x.value().numel();
  const Device dev = x.device();
  double total =
      dispatch(x, [&]<class T>() { return kernels::sum<T>(dev, n, x.value().device_data<T>()); });
  return ops_detail::output(tape, Tensor::full({1}, x.dtype(), total * factor, dev), {&x},
                            [=]<class T>(const Var& y) {
                              T g = static_cast<T>(y.grad().item() * factor);
                              kernels::add_scalar<T>(dev, n, g, x.grad_buffer().device_data<T>());
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
