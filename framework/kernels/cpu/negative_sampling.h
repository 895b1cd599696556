// The fused negative-sampling loss of skip-gram (kernels/negative_sampling_math.h) over a batch of
// B centres, each with C (context, noise) pair slots of S = 1 + K candidates: slot s = 0 is the
// context word, s >= 1 the K noise words drawn for it.
#pragma once

#include <cstdint>

namespace recur::cpu {

// centres (B, D), candidates (B, C, S, D), weights (B, C): 1 for a pair, 0 for an empty slot.
// Saves sigmoid(<centre, candidate>) in `sigmoids` (B, C, S) for the backward pass. loss (1) =
// inv_normalizer * sum over pairs of weight * (the terms of its S candidates); nll (1) the same
// sum without inv_normalizer, in double. Both stay on the device.
template <class T>
void negative_sampling_forward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                               const T* centre, const T* candidates, const T* weights,
                               double inv_normalizer, T* sigmoids, T* loss, double* nll);
// With coef = dloss[0] * inv_normalizer * weight * (sigmoid - label) per candidate:
// dcandidates[b, c, s] += coef * centre[b] and dcentre[b] += sum over c, s of coef *
// candidates[b, c, s]. A null gradient is not computed (an input that needs none).
template <class T>
void negative_sampling_backward(int64_t centres, int64_t slots, int64_t samples, int64_t dim,
                                const T* centre, const T* candidates, const T* weights,
                                const T* sigmoids, const T* dloss, double inv_normalizer,
                                T* dcentre, T* dcandidates);

}  // namespace recur::cpu
