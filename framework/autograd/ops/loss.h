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

// The loss and its sums stay on the logits' device: reading them would make the host wait for the
// kernels. The count comes from the targets, which the host holds.
struct CrossEntropyResult {
  Var loss;           // scalar: smoothed loss sum / normalizer
  Tensor nll;         // (1) f64: sum of -log p(target) over counted rows, without smoothing
  int64_t count = 0;  // rows whose target is not ignore_index
};

// logits (N, V) or (..., V); targets: i32 with logits' leading shape.
CrossEntropyResult cross_entropy(Tape& tape, const Var& logits, const Tensor& targets,
                                 const CrossEntropyOptions& options);

}  // namespace recur
