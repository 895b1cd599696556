#include "autograd/ops/layer_norm.h"

#include "autograd/ops/common.h"
#include "kernels/cpu/layer_norm.h"

namespace recur {

using ops_detail::dispatch;

Var layer_norm(Tape& tape, const Var& x, const Var& gain, const Var& bias, double eps) {
  RECUR_ASSERT(x.shape().rank() >= 1, "layer_norm of a scalar");
  const int64_t dim = x.shape()[x.shape().rank() - 1];
  const int64_t rows = x.shape().numel() / dim;
  RECUR_ASSERT(gain.shape() == Shape({dim}) && bias.shape() == Shape({dim}), "layer_norm of ",
               x.shape().str(), " with gain ", gain.shape().str(), " and bias ",
               bias.shape().str());
  ops_detail::check_same_dtype(x, gain, "layer_norm");
  ops_detail::check_same_dtype(x, bias, "layer_norm");
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  Tensor mean = Tensor::empty({rows}, x.dtype());  // (rows)
  Tensor rstd = Tensor::empty({rows}, x.dtype());  // (rows)
  dispatch(x, [&]<class T>() {
    cpu::layer_norm_forward<T>(rows, dim, eps, x.value().data<T>(), gain.value().data<T>(),
                               bias.value().data<T>(), y.data<T>(), mean.data<T>(), rstd.data<T>());
  });
  return ops_detail::output(tape, y, {&x, &gain, &bias}, [=]<class T>(const Var& out) {
    auto grad = [](const Var& v) {
      return v.requires_grad() ? v.grad_buffer().data<T>() : nullptr;
    };
    cpu::layer_norm_backward<T>(rows, dim, x.value().data<T>(), gain.value().data<T>(),
                                mean.data<T>(), rstd.data<T>(), out.grad().data<T>(), grad(x),
                                grad(gain), grad(bias));
  });
}

}  // namespace recur
