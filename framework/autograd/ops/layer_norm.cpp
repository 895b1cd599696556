#include "autograd/ops/layer_norm.h"

#include "autograd/ops/common.h"

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
  const Device dev = ops_detail::device_of({&x, &gain, &bias}, "layer_norm");
  Tensor y = Tensor::empty(x.shape(), x.dtype(), dev);
  Tensor mean = Tensor::empty({rows}, x.dtype(), dev);  // (rows)
  Tensor rstd = Tensor::empty({rows}, x.dtype(), dev);  // (rows)
  dispatch(x, [&]<class T>() {
    kernels::layer_norm_forward<T>(dev, rows, dim, eps, x.value().device_data<T>(),
                                   gain.value().device_data<T>(), bias.value().device_data<T>(),
                                   y.device_data<T>(), mean.device_data<T>(),
                                   rstd.device_data<T>());
  });
  return ops_detail::output(tape, y, {&x, &gain, &bias}, [=]<class T>(const Var& out) {
    auto grad = [](const Var& v) {
      return v.requires_grad() ? v.grad_buffer().device_data<T>() : nullptr;
    };
    kernels::layer_norm_backward<T>(dev, rows, dim, x.value().device_data<T>(),
                                    gain.value().device_data<T>(), mean.device_data<T>(),
                                    rstd.device_data<T>(), out.grad().device_data<T>(), grad(x),
                                    grad(gain), grad(bias));
  });
}

}  // namespace recur
