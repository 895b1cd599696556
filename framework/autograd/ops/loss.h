// Softmax, log-softmax and the fused log-softmax + cross-entropy loss, over the last dimension.
#pragma once

#include "autograd/tape.h"
#include "kernels/kernel_types.h"

namespace recur {

Var softmax(Tape& tape, const Var& x);
Var log_softmax(Tape& tape, const Var& x);

struct CrossEntropyOptions {
  int32_t ignore_index = -1;  // targets equal to this (padding) add nothing and are not counted
  double label_smoothing = 0.0;
  // The loss is sum / normalizer. 0 means "the number of counted targets here"; data-parallel
  // training passes the global count so that every rank's loss is part of one exact average.
  double normalizer = 0.0;
};

struct CrossEntropyResult {
  Var loss;                   // scalar: smoothed loss sum / normalizer
  CrossEntropyTotals totals;  // unnormalised sums, for reporting
};

// logits (N, V) or (..., V); targets: i32 with logits' leading shape.
CrossEntropyResult cross_entropy(Tape& tape, const Var& logits, const Tensor& targets,
                                 const CrossEntropyOptions& options);

}  // namespace recur
