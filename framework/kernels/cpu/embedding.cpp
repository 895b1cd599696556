#include "kernels/cpu/embedding.h"

#include <algorithm>

#include "core/threads.h"

namespace recur::cpu {

template <class T>
void embedding_forward(int64_t n, int64_t dim, const int32_t* ids, const T* table, T* out) {
  parallel_for(n, std::max<int64_t>(1, 16384 / dim), [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      std::copy_n(table + ids[i] * dim, dim, out + i * dim);
  });
}

template <class T>
void embedding_backward(int64_t n, int64_t dim, const int32_t* ids, const T* dout, T* dtable) {
  // Threads split the embedding dimension, so rows with the same id never race, and each element
  // sums its contributions in the order of i (deterministic).
  parallel_for(dim, 64, [=](int64_t begin, int64_t end) {
    for (int64_t i = 0; i < n; ++i) {
      T* row = dtable + ids[i] * dim;
      const T* g = dout + i * dim;
      for (int64_t j = begin; j < end; ++j)
        row[j] += g[j];
    }
  });
}

template void embedding_forward<float>(int64_t, int64_t, const int32_t*, const float*, float*);
template void embedding_forward<double>(int64_t, int64_t, const int32_t*, const double*, double*);
template void embedding_backward<float>(int64_t, int64_t, const int32_t*, const float*, float*);
template void embedding_backward<double>(int64_t, int64_t, const int32_t*, const double*, double*);

}  // namespace recur::cpu
