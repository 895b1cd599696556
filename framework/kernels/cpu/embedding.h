// Embedding lookup: rows of a (V, E) table gathered by id, and the sparse gradient scattered back
// (only the rows of ids that occur are touched).
#pragma once

#include <cstdint>

namespace recur::cpu {

// out (n, E) = table[ids[i]]
template <class T>
void embedding_forward(int64_t n, int64_t dim, const int32_t* ids, const T* table, T* out);
// dtable[ids[i]] += dout[i], by the groups of kernels/id_groups.h: group g adds the rows dout[i]
// for i = order[starts[g]], ..., order[starts[g + 1] - 1] (one id's positions, increasing) to its
// id's row in that order. Groups touch distinct rows and run in parallel; the result does not
// depend on the number of threads.
template <class T>
void embedding_backward(int64_t groups, int64_t dim, const int32_t* ids, const int32_t* order,
                        const int32_t* starts, const T* dout, T* dtable);

}  // namespace recur::cpu
