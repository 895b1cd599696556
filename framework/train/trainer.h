// The training loop: steps of a TrainingTask with gradient all-reduce overlapped with the backward
// pass, clipping, the optimiser and its learning-rate schedule; progress lines and JSON metrics;
// validation with best-model saving and early stopping; stopping on a step, epoch or time budget
// or a stop signal; NaN/Inf detection.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "checkpoint/checkpoint.h"
#include "dist/communicator.h"
#include "dist/gradient_reducer.h"
#include "optim/optimizer.h"
#include "optim/schedule.h"
#include "train/metrics.h"
#include "train/task.h"

namespace recur {

struct CheckpointPolicy {
  std::string directory;     // run/checkpoints; empty: no checkpoints
  int64_t every_steps = 0;   // 0: not by steps
  double every_minutes = 0;  // 0: not by time
  int64_t keep_last = 3;
  enum class KeepBest { None, Loss, Score };
  KeepBest keep_best =
      KeepBest::None;  // also keep the best validated checkpoint (by loss or score)
  bool async = false;  // write in the background while training goes on
  double wait_timeout_s = 300;
};

struct TrainerOptions {
  int64_t max_steps = 0;   // 0: no limit (another limit must be set)
  double max_epochs = 0;   // 0: no limit
  double max_minutes = 0;  // 0: no limit
  double clip_norm = 0;    // 0: no clipping
  int64_t log_every = 50;
  int64_t validate_every = 0;  // 0: only at the end
  int64_t patience = 0;        // early stopping (validations); 0: off
  bool show_bpc = true;        // show bits per character in progress lines
  int64_t bucket_bytes = 4 << 20;
  CheckpointPolicy checkpoint;
};

enum class StopReason { MaxSteps, MaxEpochs, TimeBudget, EarlyStopping, Signal };
const char* stop_reason_text(StopReason reason);

struct TrainResult {
  int64_t steps = 0;
  StopReason reason = StopReason::MaxSteps;
  int stop_signal = 0;  // with StopReason::Signal
  double seconds = 0;
  LossTotals last_train;             // totals of the last logging interval
  LossTotals last_validation;        // tokens == 0 when there was none
  std::optional<double> last_score;  // the task's validation score (e.g. BLEU), if it has one
  LossTotals best_validation;
  std::optional<double> best_score;
  int64_t best_step = 0;
};

// Where the trainer's results go. Only rank 0's `metrics` are written; every rank writes its own
// `rank_metrics` (its share of the data and of the work).
struct TrainerOutputs {
  MetricsFile& metrics;
  MetricsFile& rank_metrics;
  // Called on rank 0 with "best" when validation improves and "final" at the end, with the step.
  std::function<void(const std::string& which, int64_t step)> save;
  // What every checkpoint carries about the run: config, vocabulary, version (texts, vocab).
  TrainingState identity;
};

class Trainer {
 public:
  // Broadcasts rank 0's parameters and checks that every rank has the same model and buckets.
  Trainer(TrainingTask& task, ParameterStore& params, Optimizer& optimizer, LrSchedule& schedule,
          Communicator& comm, const TrainerOptions& options, TrainerOutputs outputs);

  // Continues from a checkpoint: parameters, optimiser and schedule state, data position and
  // carried state; run() then starts at the step after it. Every rank calls it.
  void restore(const std::string& checkpoint);
  TrainResult run();

 private:
  struct Interval;  // sums since the last progress line

  struct StepResult {
    LossTotals totals;  // all ranks
    double grad_norm = 0;
    bool stop = false;  // a rank received a stop signal
  };
  StepResult run_step(int64_t step, Interval& interval);
  void log_progress(int64_t step, double lr, double grad_norm, Interval& interval, double elapsed);
  // Returns true when training should stop early.
  // `elapsed`: seconds since the run started, for the metrics line.
  bool validate(int64_t step, TrainResult& result, double elapsed);
  double progress(int64_t step, double elapsed) const;
  void synchronise_start();
  std::vector<FlatBuffer> flat_buffers() const;
  // `validation`: figures measured at this step (valid_loss, valid_<score>), none if not validated.
  void write_checkpoint(int64_t step, bool async, const std::map<std::string, double>& validation);

  TrainingTask& task_;
  ParameterStore& params_;
  Optimizer& optimizer_;
  LrSchedule& schedule_;
  Communicator& comm_;
  TrainerOptions options_;
  TrainerOutputs outputs_;
  GradientReducer reducer_;
  std::unique_ptr<CheckpointWriter> writer_;
  int64_t first_step_ = 1;
  int64_t validations_without_improvement_ = 0;
  // The best validation: its metric (the task's score, or minus the loss), loss and score.
  bool has_best_ = false;
  double best_metric_ = 0;
  LossTotals best_validation_;
  std::optional<double> best_score_;
  int64_t best_validation_step_ = 0;
  double best_checkpoint_metric_ = 0;  // the keep-best metric of best_checkpoint_step_
  int64_t best_checkpoint_step_ = 0;
  double validation_s_ = 0;         // spent validating, so far
  double checkpoint_stall_s_ = 0;  // waiting for the snapshot of an asynchronous checkpoint
};

}  // namespace recur
