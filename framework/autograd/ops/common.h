// Helpers shared by the op implementations (not part of the op API).
#pragma once

#include <vector>

#include "autograd/tape.h"
#include "core/error.h"
#include "kernels/dispatch.h"

namespace recur::ops_detail {

// Calls fn.template operator()<T>() with T = float or double, the dtype of v.
template <class Fn>
decltype(auto) dispatch(const Var& v, Fn&& fn) {
  DType t = v.dtype();
  RECUR_ASSERT(t == DType::F32 || t == DType::F64, "op on a ", dtype_name(t), " tensor");
  return dispatch_float(t, fn);
}

inline void check_same_dtype(const Var& a, const Var& b, const char* op) {
  RECUR_ASSERT(a.dtype() == b.dtype(), op, ": ", dtype_name(a.dtype()), " and ",
               dtype_name(b.dtype()));
}

// The device of an op's inputs, where it runs and puts its outputs; null inputs are skipped.
inline Device device_of(const std::vector<const Var*>& inputs, const char* op) {
  const Device device = inputs.front()->device();
  for (const Var* v : inputs) {
    RECUR_ASSERT(v == nullptr || !v->defined() || v->device() == device, op, ": inputs on ",
                 device.str(), " and ", v->device().str());
  }
  return device;
}

inline void check_same_shape(const Var& a, const Var& b, const char* op) {
  RECUR_ASSERT(a.shape() == b.shape(), op, ": shapes ", a.shape().str(), " and ", b.shape().str());
}

// An op's output: `value` as a Var that requires a gradient when an input does; then `backward`
// is recorded on the tape and called as backward.template operator()<T>(y), T the float type of
// y, once y has a gradient.
template <class Backward>
Var output(Tape& tape, Tensor value, const std::vector<const Var*>& inputs, Backward backward) {
  Var y(std::move(value), tape.needs_grad(inputs));
  if (!y.requires_grad()) return y;
  tape.record(inputs, [y, backward]() {
    if (!y.has_grad()) return;
    dispatch(y, [&]<class T>() { backward.template operator()<T>(y); });
  });
  return y;
}

}  // namespace recur::ops_detail
