#include "autograd/ops/shape.h"

#include <algorithm>

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

// A tensor seen as (outer, size along axis, inner).
struct AxisView {
  int64_t outer = 1, size = 1, inner = 1;
};

AxisView axis_view(const Shape& shape, int axis) {
  AxisView v;
  for (int i = 0; i < shape.rank(); ++i) {
    if (i < axis) v.outer *= shape[i];
    if (i == axis) v.size = shape[i];
    if (i > axis) v.inner *= shape[i];
  }
  return v;
}

int normalize_axis(int axis, int rank) {
  int a = axis < 0 ? axis + rank : axis;
  RECUR_ASSERT(a >= 0 && a < rank, "axis ", axis, " of a rank-", rank, " tensor");
  return a;
}

// part (outer, part.size, inner) -> whole (outer, whole.size, inner) at `offset` along the axis.
template <class T>
void part_to_whole(Device dev, const AxisView& whole, const AxisView& part, int64_t offset,
                   const T* src, T* dst, bool accumulate) {
  const int64_t block = part.size * part.inner;
  kernels::copy_rows<T>(dev, whole.outer, block, src, block, dst + offset * whole.inner,
                        whole.size * whole.inner, accumulate);
}

// whole at `offset` along the axis -> part.
template <class T>
void whole_to_part(Device dev, const AxisView& whole, const AxisView& part, int64_t offset,
                   const T* src, T* dst, bool accumulate) {
  const int64_t block = part.size * part.inner;
  kernels::copy_rows<T>(dev, whole.outer, block, src + offset * whole.inner,
                        whole.size * whole.inner, dst, block, accumulate);
}

}  // namespace

Var reshape(Tape& tape, const Var& x, const Shape& shape) {
  const Device dev = x.device();
  return ops_detail::output(tape, x.value().reshape(shape), {&x}, [=]<class T>(const Var& y) {
    kernels::axpy<T>(dev, y.value().numel(), T(1), y.grad().device_data<T>(),
                     x.grad_buffer().device_data<T>());
  });
}

Var concat(Tape& tape, const std::vector<Var>& parts, int axis) {
  RECUR_ASSERT(!parts.empty(), "concat of nothing");
  const Shape& first = parts[0].shape();
  const int a = normalize_axis(axis, first.rank());
  std::vector<int64_t> dims = first.dims();
  dims[a] = 0;
  for (const Var& p : parts) {
    ops_detail::check_same_dtype(parts[0], p, "concat");
    RECUR_ASSERT(p.shape().rank() == first.rank(), "concat: ranks differ");
    for (int i = 0; i < first.rank(); ++i) {
      RECUR_ASSERT(i == a || p.shape()[i] == first[i], "concat of ", first.str(), " and ",
                   p.shape().str(), " along axis ", a);
    }
    dims[a] += p.shape()[a];
  }
  std::vector<const Var*> inputs;
  for (const Var& p : parts)
    inputs.push_back(&p);
  const Device dev = ops_detail::device_of(inputs, "concat");
  Tensor out = Tensor::empty(Shape(dims), parts[0].dtype(), dev);
  const AxisView whole = axis_view(out.shape(), a);
  dispatch(parts[0], [&]<class T>() {
    int64_t offset = 0;
    for (const Var& p : parts) {
      AxisView pv = axis_view(p.shape(), a);
      part_to_whole<T>(dev, whole, pv, offset, p.value().device_data<T>(), out.device_data<T>(),
                       false);
      offset += pv.size;
    }
  });
  return ops_detail::output(tape, out, inputs, [=, parts = parts]<class T>(const Var& y) {
    int64_t offset = 0;
    for (const Var& p : parts) {
      AxisView pv = axis_view(p.shape(), a);
      if (p.requires_grad()) {
        whole_to_part<T>(dev, whole, pv, offset, y.grad().device_data<T>(),
                         p.grad_buffer().device_data<T>(), true);
      }
      offset += pv.size;
    }
  });
}

Var slice(Tape& tape, const Var& x, int axis, int64_t begin, int64_t end) {
  const int a = normalize_axis(axis, x.shape().rank());
  RECUR_ASSERT(0 <= begin && begin <= end && end <= x.shape()[a], "slice [", begin, ", ", end,
               ") of axis ", a, " of ", x.shape().str());
  std::vector<int64_t> dims = x.shape().dims();
  dims[a] = end - begin;
  const Device dev = x.device();
  Tensor out = Tensor::empty(Shape(dims), x.dtype(), dev);
  const AxisView whole = axis_view(x.shape(), a);
  const AxisView part = axis_view(out.shape(), a);
  dispatch(x, [&]<class T>() {
    whole_to_part<T>(dev, whole, part, begin, x.value().device_data<T>(), out.device_data<T>(),
                     false);
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    part_to_whole<T>(dev, whole, part, begin, y.grad().device_data<T>(),
                     x.grad_buffer().device_data<T>(), true);
  });
}

namespace {

// dst (B, A, inner) = src (A, B, inner) with rows moved; accumulates when asked.
template <class T>
void swap_blocks(Device dev, int64_t a, int64_t b, int64_t inner, const T* src, T* dst,
                 bool accumulate) {
  for (int64_t i = 0; i < a; ++i)
    kernels::copy_rows<T>(dev, b, inner, src + i * b * inner, inner, dst + i * inner, a * inner,
                          accumulate);
}

}  // namespace

Var swap_leading(Tape& tape, const Var& x) {
  RECUR_ASSERT(x.shape().rank() >= 2, "swap_leading of ", x.shape().str());
  std::vector<int64_t> dims = x.shape().dims();
  const int64_t a = dims[0], b = dims[1], inner = x.value().numel() / std::max<int64_t>(1, a * b);
  std::swap(dims[0], dims[1]);
  const Device dev = x.device();
  Tensor out = Tensor::empty(Shape(dims), x.dtype(), dev);
  dispatch(x, [&]<class T>() {
    swap_blocks<T>(dev, a, b, inner, x.value().device_data<T>(), out.device_data<T>(), false);
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    swap_blocks<T>(dev, b, a, inner, y.grad().device_data<T>(), x.grad_buffer().device_data<T>(),
                   true);
  });
}

}  // namespace recur
