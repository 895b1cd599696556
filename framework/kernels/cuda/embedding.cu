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
void embedding_backward(int64_t groups, int64_t dim, const int32_t* ids, const int32_t* order,
                        const int32_t* starts, const T* dout, T* dtable) {
  for_each("embedding_backward", groups * dim, [=] __device__(int64_t u) {
    const int64_t g = u / dim, j = u % dim;
    T* element = dtable + static_cast<int64_t>(ids[order[starts[g]]]) * dim + j;
    T s = *element;
    for (int32_t k = starts[g]; k < starts[g + 1]; ++k)
      s += dout[static_cast<int64_t>(order[k]) * dim + j];
    *element = s;
  });
}

#define RECUR_INSTANTIATE(T)                                                            \
  template void embedding_forward<T>(int64_t, int64_t, const int32_t*, const T*, T*);   \
  template void embedding_backward<T>(int64_t, int64_t, const int32_t*, const int32_t*, \
                                      const int32_t*, const T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
