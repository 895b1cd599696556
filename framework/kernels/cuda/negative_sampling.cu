#include <algorithm>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/negative_sampling.h"
#include "kernels/element_math.h"
#include "kernels/negative_sampling_math.h"

namespace recur::cuda {

namespace {

constexpr int kSumThreads = 256;

// loss = inv_normalizer * sum(terms), nll = sum(terms): one block whose threads take fixed strides,
// so the order of additions is always the same.
template <class T>
__global__ void add_terms_kernel(int64_t n, const double* terms, double inv_normalizer, T* loss,
                                 double* nll) {
  double sum = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x)
    sum += terms[i];
  sum = block_reduce(sum, Sum());
  if (threadIdx.x != 0) return;
  *loss = static_cast<T>(sum * inv_normalizer);
  *nll = sum;
}

}  // namespace

template <class T>
void negative_sampling_forward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                               const T* centre, const T* candidates, const T* weights,
                               double inv_normalizer, T* sigmoids, T* loss, double* nll) {
  const int64_t n = centres * slots * samples;
  const DeviceBuffer buffer(static_cast<size_t>(std::max<int64_t>(n, 1)) * sizeof(double));
  double* terms = buffer.as<double>();  // (B, C, S): each candidate's weighted term
  const int64_t per_centre = slots * samples;
  for_each("negative_sampling_forward", n, [=] __device__(int64_t k) {
    const T* u = candidates + k * dim;
    const T* v = centre + (k / per_centre) * dim;
    T score = 0;
    for (int64_t j = 0; j < dim; ++j)
      score += v[j] * u[j];
    sigmoids[k] = kernels::sigmoid_of(score);
    terms[k] = static_cast<double>(weights[k / samples]) *
               kernels::negative_sampling_term(static_cast<double>(score), k % samples == 0);
  });
  add_terms_kernel<<<1, kSumThreads, 0, compute_stream()>>>(n, terms, inv_normalizer, loss, nll);
  check_launch("negative_sampling add_terms_kernel");
}

template <class T>
void negative_sampling_backward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                                const T* centre, const T* candidates, const T* weights,
                                const T* sigmoids, const T* dloss, double inv_normalizer,
                                T* dcentre, T* dcandidates) {
  const int64_t per_centre = slots * samples;
  auto coef = [=] __device__(int64_t k) {
    const auto scale = static_cast<T>(static_cast<double>(*dloss) * inv_normalizer);
    return scale * weights[k / samples] *
           kernels::negative_sampling_slope(sigmoids[k], k % samples == 0);
  };
  if (dcandidates != nullptr) {
    for_each("negative_sampling_backward candidates", centres * per_centre * dim,
             [=] __device__(int64_t i) {
               const int64_t k = i / dim;
               dcandidates[i] += coef(k) * centre[(k / per_centre) * dim + i % dim];
             });
  }
  if (dcentre != nullptr) {
    // One thread per centre element adds its candidates in order.
    for_each("negative_sampling_backward centres", centres * dim, [=] __device__(int64_t i) {
      const int64_t b = i / dim, j = i % dim;
      T sum = 0;
      for (int64_t k = b * per_centre; k < (b + 1) * per_centre; ++k)
        sum += coef(k) * candidates[k * dim + j];
      dcentre[i] += sum;
    });
  }
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

}  // namespace recur::cuda
