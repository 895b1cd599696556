#include "kernels/cpu/softmax.h"

#include <vector>

#include "core/threads.h"
#include "kernels/softmax_math.h"

namespace recur::cpu {

namespace {

constexpr int64_t kGrainElements = 1 << 14;

template <class Body>
void for_rows(int64_t rows, int64_t cols, Body body) {
  parallel_for(rows, std::max<int64_t>(1, kGrainElements / std::max<int64_t>(1, cols)),
               [&](int64_t begin, int64_t end) {
                 for (int64_t r = begin; r < end; ++r)
                   body(r);
               });
}

template <class T>
T row_max(int64_t n, const T* x) {
  T m = x[0];
#pragma omp simd reduction(max : m)
  for (int64_t i = 1; i < n; ++i)
    m = x[i] > m ? x[i] : m;
  return m;
}

// y = exp(x - shift); returns the sum of y (accumulated in double for f64, float for f32).
template <class T>
T exp_shifted(int64_t n, const T* x, T shift, T* y) {
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; ++i) {
    y[i] = kernels::exp_of(x[i] - shift);
    s += y[i];
  }
  return s;
}

}  // namespace

template <class T>
void softmax_forward(int64_t rows, int64_t cols, const T* x, T* y) {
  for_rows(rows, cols, [=](int64_t r) {
    const T* xr = x + r * cols;
    T* yr = y + r * cols;
    T inv = T(1) / exp_shifted(cols, xr, row_max(cols, xr), yr);
    for (int64_t i = 0; i < cols; ++i)
      yr[i] *= inv;
  });
}

template <class T>
void softmax_backward(int64_t rows, int64_t cols, const T* y, const T* dy, T* dx) {
  for_rows(rows, cols, [=](int64_t r) {
    const T *yr = y + r * cols, *gr = dy + r * cols;
    T dot = 0;
#pragma omp simd reduction(+ : dot)
    for (int64_t i = 0; i < cols; ++i)
      dot += gr[i] * yr[i];
    T* dr = dx + r * cols;
    for (int64_t i = 0; i < cols; ++i)
      dr[i] += kernels::softmax_grad(yr[i], gr[i], dot);
  });
}

template <class T>
void log_softmax_forward(int64_t rows, int64_t cols, const T* x, T* y) {
  for_rows(rows, cols, [=](int64_t r) {
    const T* xr = x + r * cols;
    T* yr = y + r * cols;
    T m = row_max(cols, xr);
    T shift = kernels::log_normaliser(m, exp_shifted(cols, xr, m, yr));
    for (int64_t i = 0; i < cols; ++i)
      yr[i] = xr[i] - shift;
  });
}

template <class T>
void log_softmax_backward(int64_t rows, int64_t cols, const T* y, const T* dy, T* dx) {
  for_rows(rows, cols, [=](int64_t r) {
    const T *yr = y + r * cols, *gr = dy + r * cols;
    T total = 0;
#pragma omp simd reduction(+ : total)
    for (int64_t i = 0; i < cols; ++i)
      total += gr[i];
    T* dr = dx + r * cols;
    for (int64_t i = 0; i < cols; ++i)
      dr[i] += kernels::log_softmax_grad(yr[i], gr[i], total);
  });
}

template <class T>
void cross_entropy_forward(int64_t rows, int64_t cols, const T* logits, const int32_t* targets,
                           int32_t ignore_index, double smoothing, double inv_normalizer, T* probs,
                           T* loss, double* nll) {
  std::vector<double> row_loss(static_cast<size_t>(rows), 0.0);
  std::vector<double> row_nll(static_cast<size_t>(rows), 0.0);
  for_rows(rows, cols, [&](int64_t r) {
    const T* xr = logits + r * cols;
    T* pr = probs + r * cols;
    T m = row_max(cols, xr);
    T s = exp_shifted(cols, xr, m, pr);
    T inv = T(1) / s;
    for (int64_t i = 0; i < cols; ++i)
      pr[i] *= inv;
    if (targets[r] == ignore_index) return;
    double log_z = kernels::log_normaliser(static_cast<double>(m), static_cast<double>(s));
    double target_nll = log_z - static_cast<double>(xr[targets[r]]);
    double sum_x = 0.0;
    if (smoothing > 0.0) {
#pragma omp simd reduction(+ : sum_x)
      for (int64_t i = 0; i < cols; ++i)
        sum_x += static_cast<double>(xr[i]);
    }
    row_loss[static_cast<size_t>(r)] =
        kernels::smoothed_loss(target_nll, log_z, sum_x, cols, smoothing);
    row_nll[static_cast<size_t>(r)] = target_nll;
  });
  double loss_sum = 0.0, nll_sum = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    if (targets[r] == ignore_index) continue;
    loss_sum += row_loss[static_cast<size_t>(r)];
    nll_sum += row_nll[static_cast<size_t>(r)];
  }
  *loss = static_cast<T>(loss_sum * inv_normalizer);
  *nll = nll_sum;
}

template <class T>
void cross_entropy_backward(int64_t rows, int64_t cols, const T* probs, const int32_t* targets,
                            int32_t ignore_index, double smoothing, const T* dloss,
                            double inv_normalizer, T* dlogits) {
  const auto scale = static_cast<T>(static_cast<double>(*dloss) * inv_normalizer);
  T uniform = static_cast<T>(smoothing / static_cast<double>(cols));
  T on_target = static_cast<T>(1.0 - smoothing);
  for_rows(rows, cols, [=](int64_t r) {
    if (targets[r] == ignore_index) return;
    const T* pr = probs + r * cols;
    T* dr = dlogits + r * cols;
    for (int64_t i = 0; i < cols; ++i)
      dr[i] += kernels::cross_entropy_grad(scale, pr[i], uniform);
    dr[targets[r]] -= scale * on_target;
  });
}

#define RECUR_INSTANTIATE(T)                                                                   \
  template void softmax_forward<T>(int64_t, int64_t, const T*, T*);                            \
  template void softmax_backward<T>(int64_t, int64_t, const T*, const T*, T*);                 \
  template void log_softmax_forward<T>(int64_t, int64_t, const T*, T*);                        \
  template void log_softmax_backward<T>(int64_t, int64_t, const T*, const T*, T*);             \
  template void cross_entropy_forward<T>(int64_t, int64_t, const T*, const int32_t*, int32_t,  \
                                         double, double, T*, T*, double*);                     \
  template void cross_entropy_backward<T>(int64_t, int64_t, const T*, const int32_t*, int32_t, \
                                          double, const T*, double, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
