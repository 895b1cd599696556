// Embedding lookup and its gradient on the device: the counterparts of kernels/cpu/embedding.h.
#pragma once

#include <cstdint>

namespace recur::cuda {

// out (n, E) = table[ids[i]]
template <class T>
void embedding_forward(int64_t n, int64_t dim, const int32_t* ids, const T* table, T* out);
// dtable[ids[i]] += dout[i], each element summing its contributions in the order of i (no
// atomics: the result is deterministic and equal to the CPU kernel's).
template <class T>
void embedding_backward(int64_t n, int64_t dim, const int32_t* ids, const T* dout, T* dtable);

}  // namespace recur::cuda
