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
void embedding_backward(int64_t groups, int64_t dim, const int32_t* ids, const int32_t* order,
                        const int32_t* starts, const T* dout, T* dtable) {
  parallel_for(groups, std::max<int64_t>(1, 16384 / dim), [=](int64_t begin, int64_t end) {
    for (int64_t g = begin; g < end; ++g) {
      T* row = dtable + static_cast<int64_t>(ids[order[starts[g]]]) * dim;
      for (int32_t k = starts[g]; k < starts[g + 1]; ++k) {
        const T* d = dout + static_cast<int64_t>(order[k]) * dim;
        for (int64_t j = 0; j < dim; ++j)
          row[j] += d[j];
      }
    }
  });
}

#define RECUR_INSTANTIATE(T)                                                            \
  template void embedding_forward<T>(int64_t, int64_t, const int32_t*, const T*, T*);   \
  template void embedding_backward<T>(int64_t, int64_t, const int32_t*, const int32_t*, \
                                      const int32_t*, const T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
