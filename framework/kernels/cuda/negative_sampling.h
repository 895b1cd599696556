// The fused negative-sampling loss of skip-gram on the device: the counterparts of
// kernels/cpu/negative_sampling.h, with the same contracts. No atomics: every sum is added in a
// fixed order, so results are deterministic.
#pragma once

#include <cstdint>

namespace recur::cuda {

template <class T>
void negative_sampling_forward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                               const T* centre, const T* candidates, const T* weights,
                               double inv_normalizer, T* sigmoids, T* loss, double* nll);
template <class T>
void negative_sampling_backward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                                const T* centre, const T* candidates, const T* weights,
                                const T* sigmoids, const T* dloss, double inv_normalizer,
                                T* dcentre, T* dcandidates);

}  // namespace recur::cuda
