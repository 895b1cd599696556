#include "kernels/cpu/layer_norm.h"

#include <algorithm>
#include <vector>

#include "core/threads.h"
#include "kernels/layer_norm_math.h"

namespace recur::cpu {

namespace {

// Rows per thread: a row is a few passes over D values.
int64_t grain(int64_t dim) {
  return std::max<int64_t>(1, 8192 / std::max<int64_t>(1, dim));
}

}  // namespace

template <class T>
void layer_norm_forward(int64_t rows, int64_t dim, double eps, const T* x, const T* gain,
                        const T* bias, T* y, T* mean, T* rstd) {
  parallel_for(rows, grain(dim), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const T* xr = x + r * dim;
      T sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t i = 0; i < dim; ++i)
        sum += xr[i];
      const T mu = sum / T(dim);
      T squares = 0;
#pragma omp simd reduction(+ : squares)
      for (int64_t i = 0; i < dim; ++i)
        squares += (xr[i] - mu) * (xr[i] - mu);
      const T inv = kernels::layer_norm_rstd(squares, dim, T(eps));
      T* yr = y + r * dim;
#pragma omp simd
      for (int64_t i = 0; i < dim; ++i)
        yr[i] = kernels::layer_norm_output(xr[i], mu, inv, gain[i], bias[i]);
      mean[r] = mu;
      rstd[r] = inv;
    }
  });
}

template <class T>
void layer_norm_backward(int64_t rows, int64_t dim, const T* x, const T* gain, const T* mean,
                         const T* rstd, const T* dy, T* dx, T* dgain, T* dbias) {
  // dgain and dbias sum over rows: each thread keeps its own and they are added in thread order,
  // so the result does not depend on timing.
  const int threads = num_threads();
  const int64_t chunk = (rows + threads - 1) / threads;
  std::vector<std::vector<T>> parts(static_cast<size_t>(threads));
  parallel_for(static_cast<int64_t>(threads), 1, [&](int64_t t_begin, int64_t t_end) {
    for (int64_t t = t_begin; t < t_end; ++t) {
      std::vector<T>& part = parts[static_cast<size_t>(t)];
      part.assign(static_cast<size_t>(2 * dim), T(0));
      T* my_dgain = part.data();
      T* my_dbias = part.data() + dim;
      for (int64_t r = t * chunk; r < std::min(rows, (t + 1) * chunk); ++r) {
        const T* xr = x + r * dim;
        const T* dyr = dy + r * dim;
        const T mu = mean[r], inv = rstd[r];
        T g_sum = 0, gx_sum = 0;
#pragma omp simd reduction(+ : g_sum, gx_sum)
        for (int64_t i = 0; i < dim; ++i) {
          const T xhat = kernels::normalised(xr[i], mu, inv);
          const T g = dyr[i] * gain[i];
          g_sum += g;
          gx_sum += g * xhat;
          my_dgain[i] += dyr[i] * xhat;
          my_dbias[i] += dyr[i];
        }
        if (!dx) continue;
        const T g_mean = g_sum / T(dim), gx_mean = gx_sum / T(dim);
        T* dxr = dx + r * dim;
#pragma omp simd
        for (int64_t i = 0; i < dim; ++i) {
          const T xhat = kernels::normalised(xr[i], mu, inv);
          dxr[i] += kernels::layer_norm_dx(dyr[i], gain[i], xhat, inv, g_mean, gx_mean);
        }
      }
    }
  });
  for (const std::vector<T>& part : parts) {
    if (part.empty()) continue;
    for (int64_t i = 0; i < dim; ++i) {
      if (dgain) dgain[i] += part[static_cast<size_t>(i)];
      if (dbias) dbias[i] += part[static_cast<size_t>(dim + i)];
    }
  }
}

#define RECUR_INSTANTIATE(T)                                                                      \
  template void layer_norm_forward<T>(int64_t, int64_t, double, const T*, const T*, const T*, T*, \
                                      T*, T*);                                                    \
  template void layer_norm_backward<T>(int64_t, int64_t, const T*, const T*, const T*, const T*,  \
                                       const T*, T*, T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
