// Embedding lookup: rows of a (V, E) table gathered by id, and the sparse gradient scattered back
// (only the rows of ids that occur are touched).
#pragma once

#include <cstdint>

namespace recur::cpu {

// out (n, E) = table[ids[i]]
template <class T>
void embedding_forward(int64_t n, int64_t dim, const int32_t* ids, const T* table, T* out);
// dtable[ids[i]] += dout[i]
template <class T>
void embedding_backward(int64_t n, int64_t dim, const int32_t* ids, const T* dout, T* dtable);

}  // namespace recur::cpu
