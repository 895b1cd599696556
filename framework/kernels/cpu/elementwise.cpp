#include "kernels/cpu/elementwise.h"

#include <algorithm>
#include <vector>

#include "core/threads.h"
#include "kernels/element_math.h"

namespace recur::cpu {

namespace {
// Below this many elements a loop runs on one thread: starting the pool costs more.
constexpr int64_t kGrain = 1 << 15;
// Block size of the deterministic reductions.
constexpr int64_t kSumBlock = 1 << 14;

template <class Fn>
void for_each(int64_t n, Fn fn) {
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      fn(i);
  });
}

template <class T, class Term>
double blocked_sum(int64_t n, const T* x, Term term) {
  int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  parallel_for(blocks, 4, [&](int64_t begin, int64_t end) {
    for (int64_t blk = begin; blk < end; ++blk) {
      int64_t lo = blk * kSumBlock, hi = std::min(n, lo + kSumBlock);
      double s = 0.0;
      for (int64_t i = lo; i < hi; ++i)
        s += term(x[i]);
      partial[static_cast<size_t>(blk)] = s;
    }
  });
  double total = 0.0;
  for (double s : partial)
    total += s;
  return total;
}
}  // namespace

template <class T>
void add(int64_t n, const T* a, const T* b, T* out) {
  for_each(n, [=](int64_t i) { out[i] = a[i] + b[i]; });
}

template <class T>
void mul(int64_t n, const T* a, const T* b, T* out) {
  for_each(n, [=](int64_t i) { out[i] = a[i] * b[i]; });
}

template <class T>
void axpy(int64_t n, T alpha, const T* x, T* y) {
  for_each(n, [=](int64_t i) { y[i] += alpha * x[i]; });
}

template <class T>
void mul_accumulate(int64_t n, const T* a, const T* b, T* out) {
  for_each(n, [=](int64_t i) { out[i] += a[i] * b[i]; });
}

template <class T>
void scale(int64_t n, T alpha, T* x) {
  for_each(n, [=](int64_t i) { x[i] *= alpha; });
}

template <class T>
void add_scalar(int64_t n, const T* alpha, double factor, T* x) {
  const auto value = static_cast<T>(static_cast<double>(*alpha) * factor);
  for_each(n, [=](int64_t i) { x[i] += value; });
}

template <class T>
void copy(int64_t n, const T* x, T* out) {
  std::copy_n(x, n, out);
}

template <class T>
void add_bias(int64_t rows, int64_t cols, const T* bias, T* x) {
  parallel_for(rows, std::max<int64_t>(1, kGrain / cols), [=](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      T* row = x + r * cols;
      for (int64_t c = 0; c < cols; ++c)
        row[c] += bias[c];
    }
  });
}

template <class T>
void sum_rows_accumulate(int64_t rows, int64_t cols, const T* x, T* out) {
  // Columns split across threads; each thread walks all rows in order (deterministic).
  parallel_for(cols, std::max<int64_t>(16, kGrain / std::max<int64_t>(1, rows)),
               [=](int64_t begin, int64_t end) {
                 for (int64_t r = 0; r < rows; ++r) {
                   const T* row = x + r * cols;
                   for (int64_t c = begin; c < end; ++c)
                     out[c] += row[c];
                 }
               });
}

template <class T>
void scale_rows(int64_t rows, int64_t cols, const T* x, const T* row_scale, T* out) {
  for (int64_t r = 0; r < rows; ++r) {
    T s = row_scale[r];
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = x[r * cols + c] * s;
  }
}

template <class T>
void copy_rows(int64_t rows, int64_t cols, const T* src, int64_t src_stride, T* dst,
               int64_t dst_stride, bool accumulate) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* from = src + r * src_stride;
    T* to = dst + r * dst_stride;
    if (accumulate) {
      axpy<T>(cols, T(1), from, to);
    } else {
      std::copy_n(from, cols, to);
    }
  }
}

template <class T>
void broadcast_rows(int64_t rows, int64_t cols, const T* row, T* out) {
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(row, cols, out + r * cols);
}

template <class T>
void activation_forward(Activation f, int64_t n, const T* x, T* y) {
  switch (f) {
    case Activation::Sigmoid:
      for_each(n, [=](int64_t i) { y[i] = kernels::sigmoid_of(x[i]); });
      break;
    case Activation::Tanh:
      for_each(n, [=](int64_t i) { y[i] = kernels::tanh_of(x[i]); });
      break;
    case Activation::Relu:
      for_each(n, [=](int64_t i) { y[i] = kernels::relu_of(x[i]); });
      break;
  }
}

template <class T>
void activation_backward(Activation f, int64_t n, const T* y, const T* dy, T* dx) {
  switch (f) {
    case Activation::Sigmoid:
      for_each(n, [=](int64_t i) { dx[i] += kernels::sigmoid_grad(y[i], dy[i]); });
      break;
    case Activation::Tanh:
      for_each(n, [=](int64_t i) { dx[i] += kernels::tanh_grad(y[i], dy[i]); });
      break;
    case Activation::Relu:
      for_each(n, [=](int64_t i) { dx[i] += kernels::relu_grad(y[i], dy[i]); });
      break;
  }
}

template <class T>
void sum(int64_t n, const T* x, double factor, T* out) {
  *out = static_cast<T>(factor * blocked_sum(n, x, [](T v) { return static_cast<double>(v); }));
}

template <class T>
void sum_squares(int64_t n, const T* x, double* out) {
  *out = blocked_sum(n, x, [](T v) { return static_cast<double>(v) * static_cast<double>(v); });
}

#define RECUR_INSTANTIATE(T)                                                          \
  template void add<T>(int64_t, const T*, const T*, T*);                              \
  template void mul<T>(int64_t, const T*, const T*, T*);                              \
  template void axpy<T>(int64_t, T, const T*, T*);                                    \
  template void mul_accumulate<T>(int64_t, const T*, const T*, T*);                   \
  template void scale<T>(int64_t, T, T*);                                             \
  template void add_scalar<T>(int64_t, const T*, double, T*);                         \
  template void copy<T>(int64_t, const T*, T*);                                       \
  template void add_bias<T>(int64_t, int64_t, const T*, T*);                          \
  template void sum_rows_accumulate<T>(int64_t, int64_t, const T*, T*);               \
  template void scale_rows<T>(int64_t, int64_t, const T*, const T*, T*);              \
  template void copy_rows<T>(int64_t, int64_t, const T*, int64_t, T*, int64_t, bool); \
  template void broadcast_rows<T>(int64_t, int64_t, const T*, T*);                    \
  template void activation_forward<T>(Activation, int64_t, const T*, T*);             \
  template void activation_backward<T>(Activation, int64_t, const T*, const T*, T*);  \
  template void sum<T>(int64_t, const T*, double, T*);                                \
  template void sum_squares<T>(int64_t, const T*, double*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
