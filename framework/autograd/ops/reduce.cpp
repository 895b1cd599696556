#include "autograd/ops/reduce.h"

#include "autograd/ops/common.h"
#include "kernels/cpu/elementwise.h"

namespace recur {

using ops_detail::dispatch;

namespace {

// sum(x) * factor, with gradient factor everywhere.
Var scaled_sum(Tape& tape, const Var& x, double factor) {
  const int64_t n = x.value().numel();
  double total = dispatch(x, [&]<class T>() { return cpu::sum<T>(n, x.value().data<T>()); });
  return ops_detail::output(tape, Tensor::full({1}, x.dtype(), total * factor), {&x},
                            [=]<class T>(const Var& y) {
                              T g = static_cast<T>(y.grad().item() * factor);
                              T* dx = x.grad_buffer().data<T>();
                              for (int64_t i = 0; i < n; ++i)
                                dx[i] += g;
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
