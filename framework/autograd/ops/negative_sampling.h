// Skip-gram's negative-sampling loss (Mikolov et al. 2013), fused: for every (centre, context)
// pair, -log sigmoid(<v, u_context>) - sum over its K noise words of log sigmoid(-<v, u_noise>).
#pragma once

#include "autograd/tape.h"

namespace recur {

// The loss and its sum stay on the device, as cross_entropy's do; the pair count comes from the
// host's weights.
struct NegativeSamplingResult {
  Var loss;           // scalar: the weighted sum over pairs / normalizer
  Tensor nll;         // (1) f64: the weighted sum over pairs
  int64_t pairs = 0;  // slots whose weight is not 0
};

// centres (B, D): the centre words' input vectors; candidates (B, C, S, D): the output vectors of
// slot c's context word (s = 0) and its S - 1 noise words; weights (B, C) of the centres' dtype,
// on the host: 1 for a pair, 0 for an empty slot. The loss is sum / normalizer; 0 means "the
// number of pairs here" (data-parallel training passes the global count).
NegativeSamplingResult negative_sampling_loss(Tape& tape, const Var& centres, const Var& candidates,
                                              const Tensor& weights, double normalizer);

}  // namespace recur
