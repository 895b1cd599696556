// TrainingTask: what the Trainer drives. A task owns a model and its data; the trainer owns the
// loop (optimiser, schedule, clipping, logging, validation, stopping).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>

#include "checkpoint/checkpoint.h"
#include "dist/gradient_sync.h"

namespace recur {

// Loss sums over predicted tokens; added across ranks before they are reported.
struct LossTotals {
  double nll = 0.0;     // sum of -log p(target), nats
  double tokens = 0.0;  // targets predicted
  double chars = 0.0;   // characters those targets stand for

  double loss() const { return tokens > 0 ? nll / tokens : 0.0; }
  double perplexity() const { return std::exp(loss()); }
  double bits_per_char() const { return chars > 0 ? nll / std::numbers::ln2 / chars : 0.0; }
  LossTotals& operator+=(const LossTotals& o) {
    nll += o.nll;
    tokens += o.tokens;
    chars += o.chars;
    return *this;
  }
};

class TrainingTask {
 public:
  virtual ~TrainingTask() = default;

  // Forward and backward of optimiser step `step` (from 1). Gradients, already normalised by the
  // global number of targets, accumulate into the parameter store; `sync` is attached to the tape
  // of the last micro-batch. Returns this rank's totals.
  virtual LossTotals train_step(int64_t step, GradientSync& sync) = 0;
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
  virtual bool has_validation() const = 0;
  // This rank's loss totals over its part of the validation data, and, for tasks that have one, a
  // score of the whole validation set (all ranks; higher is better, e.g. BLEU) that then decides
  // which model is best.
  struct Validation {
    LossTotals loss;
    std::optional<double> score;
    std::string score_name;
  };
  virtual Validation validate() = 0;

  // What exact resumption needs besides parameters and optimiser state (data position, carried
  // state), complete for all ranks: every rank calls both at the same step (they may communicate).
  virtual void save_state(TrainingState& state) const = 0;
  virtual void restore_state(const TrainingState& state) = 0;
};

}  // namespace recur
