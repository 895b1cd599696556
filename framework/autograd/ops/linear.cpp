#include "autograd/ops/linear.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

Var matmul(Tape& tape, const Var& a, const Var& b, bool trans_a, bool trans_b) {
  RECUR_ASSERT(a.shape().rank() == 2 && b.shape().rank() == 2, "matmul of ", a.shape().str(),
               " and ", b.shape().str());
  ops_detail::check_same_dtype(a, b, "matmul");
  const int64_t m = a.shape()[trans_a ? 1 : 0], k = a.shape()[trans_a ? 0 : 1];
  const int64_t n = b.shape()[trans_b ? 0 : 1];
  RECUR_ASSERT(b.shape()[trans_b ? 1 : 0] == k, "matmul: inner sizes of ", a.shape().str(), " and ",
               b.shape().str());
  const Device dev = ops_detail::device_of({&a, &b}, "matmul");
  Tensor out = Tensor::empty({m, n}, a.dtype(), dev);
  dispatch(a, [&]<class T>() {
    kernels::gemm<T>(dev, trans_a, trans_b, m, n, k, T(1), a.value().device_data<T>(),
                     b.value().device_data<T>(), T(0), out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&a, &b}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().device_data<T>();
    if (a.requires_grad()) {
      T* da = a.grad_buffer().device_data<T>();
      if (!trans_a) {
        kernels::gemm<T>(dev, false, !trans_b, m, k, n, T(1), dy, b.value().device_data<T>(), T(1),
                         da);
      } else {
        kernels::gemm<T>(dev, trans_b, true, k, m, n, T(1), b.value().device_data<T>(), dy, T(1),
                         da);
      }
    }
    if (b.requires_grad()) {
      T* db = b.grad_buffer().device_data<T>();
      if (!trans_b) {
        kernels::gemm<T>(dev, !trans_a, false, k, n, m, T(1), a.value().device_data<T>(), dy, T(1),
                         db);
      } else {
        kernels::gemm<T>(dev, true, trans_a, n, k, m, T(1), dy, a.value().device_data<T>(), T(1),
                         db);
      }
    }
  });
}

Var linear(Tape& tape, const Var& x, const Var& weight, const Var& bias) {
  ops_detail::check_same_dtype(x, weight, "linear");
  const int64_t in = weight.shape()[1], out_features = weight.shape()[0];
  RECUR_ASSERT(x.shape().back() == in, "linear: input ", x.shape().str(), " for weight ",
               weight.shape().str());
  RECUR_ASSERT(!bias.defined() || bias.shape() == Shape({out_features}), "linear: bias ",
               bias.shape().str());
  const int64_t rows = x.shape().rows();
  const Device dev = ops_detail::device_of({&x, &weight, &bias}, "linear");
  Tensor out = Tensor::empty(x.shape().with_last(out_features), x.dtype(), dev);
  dispatch(x, [&]<class T>() {
    T* y = out.device_data<T>();
    T beta = T(0);
    if (bias.defined()) {
      kernels::broadcast_rows<T>(dev, rows, out_features, bias.value().device_data<T>(), y);
      beta = T(1);
    }
    kernels::gemm<T>(dev, false, true, rows, out_features, in, T(1), x.value().device_data<T>(),
                     weight.value().device_data<T>(), beta, y);
  });
  return ops_detail::output(tape, out, {&x, &weight, &bias}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().device_data<T>();
    if (x.requires_grad()) {
      kernels::gemm<T>(dev, false, false, rows, in, out_features, T(1), dy,
                       weight.value().device_data<T>(), T(1), x.grad_buffer().device_data<T>());
    }
    if (weight.requires_grad()) {
      kernels::gemm<T>(dev, true, false, out_features, in, rows, T(1), dy,
                       x.value().device_data<T>(), T(1), weight.grad_buffer().device_data<T>());
    }
    if (bias.requires_grad()) {
      kernels::sum_rows_accumulate<T>(dev, rows, out_features, dy,
                                      bias.grad_buffer().device_data<T>());
    }
  });
}

}  // namespace recur
