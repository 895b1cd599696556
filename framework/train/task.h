// TrainingTask: what the Trainer drives. A task owns a model and its data; the trainer owns the
// loop (optimiser, schedule, clipping, logging, validation, stopping).
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/state_visitor.h"
#include "dist/gradient_sync.h"
#include "train/batch_digest.h"
#include "train/loss_totals.h"
#include "train/validation.h"

namespace recur {

// The hash of the training data in a checkpoint's data section: restoring refuses a checkpoint
// trained on other data with `mismatch` ("data.train: ...").
inline void describe_data_hash(StateVisitor& v, const std::string& hash, const char* mismatch) {
  std::string saved = hash;
  v.field("train_hash", saved);
  RECUR_CHECK(saved == hash, mismatch);
}

class TrainingTask {
 public:
  virtual ~TrainingTask() = default;

  // Forward and backward of optimiser step `step` (from 1). Gradients, already normalised by the
  // global number of targets, accumulate into the parameter store; `sync` is attached to the tape
  // of the last micro-batch. Returns this rank's sums, the loss still on the compute device.
  virtual StepLoss train_step(int64_t step, GradientSync& sync) = 0;
  // Passes over the training data so far (fractional).
  virtual double epochs_done() const = 0;
  // Learning-rate multiplier for the step just run (variable-length BPTT windows).
  virtual double lr_scale() const { return 1.0; }
  // The part of each global batch this rank computes: `count` examples (streams for a language
  // model) from global index `first`.
  struct Shard {
    int64_t first = 0, count = 0;
  };
  virtual Shard shard() const = 0;
  // The digest of the token ids of this rank's batches since the last call (BatchDigest).
  virtual uint64_t take_batch_digest() = 0;
  virtual bool has_validation() const = 0;
  // This rank's loss totals over its part of the validation data and, for tasks that have one,
  // the score of the whole validation set (every rank computes its share).
  virtual Validation validate() = 0;

  // What exact resumption needs besides parameters and optimiser state (data position, carried
  // state), complete for all ranks: every rank describes it at the same step (it may communicate).
  virtual void describe_state(StateVisitor& v) = 0;
};

}  // namespace recur
