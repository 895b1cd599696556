// The distributed micro-batch protocol of one training step, shared by every task so that N ranks
// reproduce 1 rank:
//  1. one all-reduce adds up the targets of every rank's micro-batches; each micro-batch's loss is
//     divided by that global count, so the gradients of all ranks and micro-batches sum to the
//     exact average over the global batch;
//  2. each micro-batch runs forward on a tape of its own, with dropout keyed by the step and the
//     global index of its first row (never by rank);
//  3. the gradient sync is attached to the last micro-batch's tape only: buckets are all-reduced
//     once, overlapped with that last backward pass;
//  4. backward runs unless no rank has a target (the loss would be 0 / 0).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "dist/communicator.h"
#include "dist/gradient_sync.h"
#include "nn/context.h"
#include "train/loss_totals.h"

namespace recur {

// One micro-batch of this rank, as the protocol needs to know it.
struct MicroBatch {
  int64_t first_row = 0;  // global index of its first row (stream or example)
  int64_t targets = 0;    // targets it predicts
};

// Forward of micro-batch `index` in `ctx`: its loss divided by `global_targets` (pass it to
// cross_entropy as the normalizer) and its unnormalised sums.
struct MicroBatchLoss {
  Var loss;
  StepLoss totals;
};
using MicroBatchForward =
    std::function<MicroBatchLoss(const ForwardContext& ctx, size_t index, double global_targets)>;

// Runs the protocol over `batches` for optimiser step `step` and returns this rank's sums.
StepLoss train_micro_batches(const std::vector<MicroBatch>& batches, uint64_t seed, int64_t step,
                             Communicator& comm, GradientSync& sync,
                             const MicroBatchForward& forward);

}  // namespace recur
