#include "kernels/cpu/negative_sampling.h"

#include <algorithm>
#include <vector>

#include "core/threads.h"
#include "kernels/element_math.h"
#include "kernels/negative_sampling_math.h"

namespace recur::cpu {

namespace {

template <class T>
T dot(int64_t dim, const T* a, const T* b) {
  T s = 0;
  for (int64_t j = 0; j < dim; ++j)
    s += a[j] * b[j];
  return s;
}

// y += a x over one row.
template <class T>
void axpy_row(int64_t dim, T a, const T* x, T* y) {
  for (int64_t j = 0; j < dim; ++j)
    y[j] += a * x[j];
}

}  // namespace

template <class T>
void negative_sampling_forward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                               const T* centre, const T* candidates, const T* weights,
                               double inv_normalizer, T* sigmoids, T* loss, double* nll) {
  std::vector<double> pair_loss(static_cast<size_t>(centres * slots));  // (B, C)
  const int64_t grain = std::max<int64_t>(1, 4096 / (slots * samples * dim));
  parallel_for(centres, grain, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t c = 0; c < slots; ++c) {
        const int64_t pair = b * slots + c;
        double sum = 0.0;
        for (int64_t s = 0; s < samples; ++s) {
          const int64_t k = pair * samples + s;
          const T score = dot(dim, centre + b * dim, candidates + k * dim);
          sigmoids[k] = kernels::sigmoid_of(score);
          sum += kernels::negative_sampling_term(static_cast<double>(score), s == 0);
        }
        pair_loss[static_cast<size_t>(pair)] = static_cast<double>(weights[pair]) * sum;
      }
    }
  });
  double total = 0.0;
  for (double l : pair_loss)
    total += l;
  *loss = static_cast<T>(total * inv_normalizer);
  *nll = total;
}

template <class T>
void negative_sampling_backward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                                const T* centre, const T* candidates, const T* weights,
                                const T* sigmoids, const T* dloss, double inv_normalizer,
                                T* dcentre, T* dcandidates) {
  const auto scale = static_cast<T>(static_cast<double>(*dloss) * inv_normalizer);
  const int64_t grain = std::max<int64_t>(1, 4096 / (slots * samples * dim));
  parallel_for(centres, grain, [=](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t k = b * slots * samples; k < (b + 1) * slots * samples; ++k) {
        const T coef = scale * weights[k / samples] *
                       kernels::negative_sampling_slope(sigmoids[k], k % samples == 0);
        if (dcandidates != nullptr) axpy_row(dim, coef, centre + b * dim, dcandidates + k * dim);
        if (dcentre != nullptr) axpy_row(dim, coef, candidates + k * dim, dcentre + b * dim);
      }
    }
  });
}

#define RECUR_INSTANTIATE(T)                                                                      \
  template void negative_sampling_forward<T>(int64_t, int64_t, int64_t, int64_t, const T*,        \
                                             const T*, const T*, double, T*, T*, double*);        \
  template void negative_sampling_backward<T>(int64_t, int64_t, int64_t, int64_t, const T*,       \
                                              const T*, const T*, const T*, const T*, double, T*, \
                                              T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
