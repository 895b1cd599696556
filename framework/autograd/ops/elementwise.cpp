#include "autograd/ops/elementwise.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

Var add(Tape& tape, const Var& a, const Var& b) {
  ops_detail::check_same_dtype(a, b, "add");
  ops_detail::check_same_shape(a, b, "add");
  const Device dev = ops_detail::device_of({&a, &b}, "add");
  Tensor out = Tensor::empty(a.shape(), a.dtype(), dev);
  const int64_t n = out.numel();
  dispatch(a, [&]<class T>() {
    kernels::add<T>(dev, n, a.value().device_data<T>(), b.value().device_data<T>(),
                    out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&a, &b}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().device_data<T>();
    if (a.requires_grad()) kernels::axpy<T>(dev, n, T(1), dy, a.grad_buffer().device_data<T>());
    if (b.requires_grad()) kernels::axpy<T>(dev, n, T(1), dy, b.grad_buffer().device_data<T>());
  });
}

Var mul(Tape& tape, const Var& a, const Var& b) {
  ops_detail::check_same_dtype(a, b, "mul");
  ops_detail::check_same_shape(a, b, "mul");
  const Device dev = ops_detail::device_of({&a, &b}, "mul");
  Tensor out = Tensor::empty(a.shape(), a.dtype(), dev);
  const int64_t n = out.numel();
  dispatch(a, [&]<class T>() {
    kernels::mul<T>(dev, n, a.value().device_data<T>(), b.value().device_data<T>(),
                    out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&a, &b}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().device_data<T>();
    if (a.requires_grad()) {
      kernels::mul_accumulate<T>(dev, n, dy, b.value().device_data<T>(),
                                 a.grad_buffer().device_data<T>());
    }
    if (b.requires_grad()) {
      kernels::mul_accumulate<T>(dev, n, dy, a.value().device_data<T>(),
                                 b.grad_buffer().device_data<T>());
    }
  });
}

Var add_bias(Tape& tape, const Var& x, const Var& bias) {
  ops_detail::check_same_dtype(x, bias, "add_bias");
  const int64_t cols = x.shape().back(), rows = x.shape().rows();
  RECUR_ASSERT(bias.shape() == Shape({cols}), "add_bias: bias ", bias.shape().str(), " for ",
               x.shape().str());
  const Device dev = ops_detail::device_of({&x, &bias}, "add_bias");
  Tensor out = x.value().clone();
  dispatch(x, [&]<class T>() {
    kernels::add_bias<T>(dev, rows, cols, bias.value().device_data<T>(), out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&x, &bias}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().device_data<T>();
    if (x.requires_grad())
      kernels::axpy<T>(dev, rows * cols, T(1), dy, x.grad_buffer().device_data<T>());
    if (bias.requires_grad()) {
      kernels::sum_rows_accumulate<T>(dev, rows, cols, dy, bias.grad_buffer().device_data<T>());
    }
  });
}

Var scale(Tape& tape, const Var& x, double factor) {
  const Device dev = x.device();
  Tensor out = x.value().clone();
  const int64_t n = out.numel();
  dispatch(x, [&]<class T>() {
    kernels::scale<T>(dev, n, static_cast<T>(factor), out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    kernels::axpy<T>(dev, n, static_cast<T>(factor), y.grad().device_data<T>(),
                     x.grad_buffer().device_data<T>());
  });
}

namespace {

Var activation(Tape& tape, const Var& x, Activation f) {
  const Device dev = x.device();
  Tensor out = Tensor::empty(x.shape(), x.dtype(), dev);
  const int64_t n = out.numel();
  dispatch(x, [&]<class T>() {
    kernels::activation_forward<T>(dev, f, n, x.value().device_data<T>(), out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    kernels::activation_backward<T>(dev, f, n, y.value().device_data<T>(),
                                    y.grad().device_data<T>(), x.grad_buffer().device_data<T>());
  });
}

}  // namespace

Var sigmoid(Tape& tape, const Var& x) {
  return activation(tape, x, Activation::Sigmoid);
}
Var tanh(Tape& tape, const Var& x) {
  return activation(tape, x, Activation::Tanh);
}
Var relu(Tape& tape, const Var& x) {
  return activation(tape, x, Activation::Relu);
}

}  // namespace recur
