#include "autograd/ops/elementwise.h"

#include "autograd/ops/common.h"
#include "kernels/cpu/elementwise.h"

namespace recur {

using ops_detail::dispatch;

Var add(Tape& tape, const Var& a, const Var& b) {
  ops_detail::check_same_dtype(a, b, "add");
  ops_detail::check_same_shape(a, b, "add");
  Tensor out = Tensor::empty(a.shape(), a.dtype());
  const int64_t n = out.numel();
  dispatch(a, [&]<class T>() {
    cpu::add<T>(n, a.value().data<T>(), b.value().data<T>(), out.data<T>());
  });
  return ops_detail::output(tape, out, {&a, &b}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().data<T>();
    if (a.requires_grad()) cpu::axpy<T>(n, T(1), dy, a.grad_buffer().data<T>());
    if (b.requires_grad()) cpu::axpy<T>(n, T(1), dy, b.grad_buffer().data<T>());
  });
}

Var mul(Tape& tape, const Var& a, const Var& b) {
  ops_detail::check_same_dtype(a, b, "mul");
  ops_detail::check_same_shape(a, b, "mul");
  Tensor out = Tensor::empty(a.shape(), a.dtype());
  const int64_t n = out.numel();
  dispatch(a, [&]<class T>() {
    cpu::mul<T>(n, a.value().data<T>(), b.value().data<T>(), out.data<T>());
  });
  return ops_detail::output(tape, out, {&a, &b}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().data<T>();
    if (a.requires_grad()) {
      cpu::mul_accumulate<T>(n, dy, b.value().data<T>(), a.grad_buffer().data<T>());
    }
    if (b.requires_grad()) {
      cpu::mul_accumulate<T>(n, dy, a.value().data<T>(), b.grad_buffer().data<T>());
    }
  });
}

Var add_bias(Tape& tape, const Var& x, const Var& bias) {
  ops_detail::check_same_dtype(x, bias, "add_bias");
  const int64_t cols = x.shape().back(), rows = x.shape().rows();
  RECUR_ASSERT(bias.shape() == Shape({cols}), "add_bias: bias ", bias.shape().str(), " for ",
               x.shape().str());
  Tensor out = x.value().clone();
  dispatch(x,
           [&]<class T>() { cpu::add_bias<T>(rows, cols, bias.value().data<T>(), out.data<T>()); });
  return ops_detail::output(tape, out, {&x, &bias}, [=]<class T>(const Var& y) {
    const T* dy = y.grad().data<T>();
    if (x.requires_grad()) cpu::axpy<T>(rows * cols, T(1), dy, x.grad_buffer().data<T>());
    if (bias.requires_grad()) {
      cpu::sum_rows_accumulate<T>(rows, cols, dy, bias.grad_buffer().data<T>());
    }
  });
}

Var scale(Tape& tape, const Var& x, double factor) {
  Tensor out = x.value().clone();
  const int64_t n = out.numel();
  dispatch(x, [&]<class T>() { cpu::scale<T>(n, static_cast<T>(factor), out.data<T>()); });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    cpu::axpy<T>(n, static_cast<T>(factor), y.grad().data<T>(), x.grad_buffer().data<T>());
  });
}

namespace {

Var activation(Tape& tape, const Var& x, cpu::Activation f) {
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  const int64_t n = out.numel();
  dispatch(
      x, [&]<class T>() { cpu::activation_forward<T>(f, n, x.value().data<T>(), out.data<T>()); });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    cpu::activation_backward<T>(f, n, y.value().data<T>(), y.grad().data<T>(),
                                x.grad_buffer().data<T>());
  });
}

}  // namespace

Var sigmoid(Tape& tape, const Var& x) {
  return activation(tape, x, cpu::Activation::Sigmoid);
}
Var tanh(Tape& tape, const Var& x) {
  return activation(tape, x, cpu::Activation::Tanh);
}
Var relu(Tape& tape, const Var& x) {
  return activation(tape, x, cpu::Activation::Relu);
}

}  // namespace recur
