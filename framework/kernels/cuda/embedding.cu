#include "kernels/cuda/embedding.h"
#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/runtime.h"

namespace recur::cuda {

template <class T>
void embedding_forward(int64_t n, int64_t dim, const int32_t* ids, const T* table, T* out) {
  for_each("embedding_forward", n * dim, [=] __device__(int64_t i) {
    out[i] = table[static_cast<int64_t>(ids[i / dim]) * dim + i % dim];
  });
}

template <class T>
void embedding_backward(int64_t n, int64_t dim, const int32_t* ids, const T* dout, T* dtable) {
  // One thread per column of the table walks the ids in order: rows with the same id never race.
  if (n == 0) return;
  for_each("embedding_backward", dim, [=] __device__(int64_t j) {
    for (int64_t i = 0; i < n; ++i)
      dtable[static_cast<int64_t>(ids[i]) * dim + j] += dout[i * dim + j];
  });
}

template void embedding_forward<float>(int64_t, int64_t, const int32_t*, const float*, float*);
template void embedding_forward<double>(int64_t, int64_t, const int32_t*, const double*, double*);
template void embedding_backward<float>(int64_t, int64_t, const int32_t*, const float*, float*);
template void embedding_backward<double>(int64_t, int64_t, const int32_t*, const double*, double*);

}  // namespace recur::cuda
