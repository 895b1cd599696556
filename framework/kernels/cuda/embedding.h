// Embedding lookup and its gradient on the device: the counterparts of kernels/cpu/embedding.h.
#pragma once

#include <cstdint>

namespace recur::cuda {

// out (n, E) = table[ids[i]]
template <class T>
void embedding_forward(int64_t n, int64_t dim, const int32_t* ids, const T* table, T* out);
// dtable[ids[i]] += dout[i] by id groups, as the CPU kernel: one thread per group and column
// adds the group's rows in order (no atomics: deterministic and equal to the CPU's result).
template <class T>
void embedding_backward(int64_t groups, int64_t dim, const int32_t* ids, const int32_t* order,
                        const int32_t* starts, const T* dout, T* dtable);

}  // namespace recur::cuda
