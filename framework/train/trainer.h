// The training loop: steps of a TrainingTask with gradient all-reduce overlapped with the backward
// pass, clipping, the optimiser and its learning-rate schedule; progress lines and JSON metrics;
// validation with best-model saving and early stopping; stopping on a step, epoch or time budget
// or a stop signal; NaN/Inf detection.
#pragma once

#include <chrono>
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
#include "train/train_config.h"
#include "train/validation.h"

namespace recur {

struct CheckpointPolicy {
  std::string directory;     // run/checkpoints; empty: no checkpoints
  int64_t every_steps = 0;   // 0: not by steps
  double every_minutes = 0;  // 0: not by time
  int64_t keep_last = 3;
  KeepBest keep_best = KeepBest::None;  // also keep the best validated checkpoint
  bool async = false;                   // write in the background while training goes on
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
  NonFinite nonfinite = NonFinite::Stop;
  int64_t max_skipped = 10;  // NonFinite::Skip: consecutive skips that end training
  CheckpointPolicy checkpoint;
};

enum class StopReason { MaxSteps, MaxEpochs, TimeBudget, EarlyStopping, Signal };
const char* stop_reason_text(StopReason reason);

struct TrainResult {
  int64_t steps = 0;
  StopReason reason = StopReason::MaxSteps;
  int stop_signal = 0;  // with StopReason::Signal
  double seconds = 0;
};

// Where the trainer's results go. Only rank 0's `metrics` are written; every rank writes its own
// `rank_metrics` (its share of the data and of the work).
struct TrainerOutputs {
  MetricsFile& metrics;
  MetricsFile& rank_metrics;
  // Called on rank 0 with "best" when validation improves and "final" at the end, with the step.
  std::function<void(const std::string& which, int64_t step)> save;
  // What every checkpoint carries about the run.
  RunIdentity identity;
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

  // What rank 0's clock says after a step (broadcast, so that every rank agrees).
  struct RootClock {
    bool out_of_time = false;
    bool checkpoint_due = false;
  };

  // One step with everything that follows it (progress, validation, checkpoint); the reason to
  // stop after it, if any. `validation`: this step's, if it validated.
  std::optional<StopReason> train_one_step(int64_t step, Interval& interval,
                                           std::optional<Validation>& validation);
  // Forward, backward, gradient all-reduce, clipping and update, with no wait for the device;
  // returns whether a rank received a stop signal.
  bool run_step(int64_t step, Interval& interval);
  // training.nonfinite: skip: whether this step's loss (on any rank) or gradient norm is not
  // finite, read on the host; such a step is logged, counted and its update dropped.
  bool skip_nonfinite(int64_t step, const StepLoss& local, const Tensor& sum_sq);
  // The learning rate of `step`: the schedule at its position, which skipped steps do not advance.
  double learning_rate(int64_t step) const;
  void log_progress(int64_t step, Interval& interval, double elapsed);
  // This rank's share of the interval in metrics.rank<r>.jsonl; `log_reads`: the host reads the
  // progress line made.
  void write_rank_metrics(int64_t step, const Interval& interval, const LossTotals& local,
                          double comm_s, int64_t log_reads);
  // The steps clipping scaled since the last call.
  double take_clipped_steps();
  // Ends training when it diverged: the device marked a step whose gradient norm was not finite
  // (and skipped the updates from it on), or the interval's loss of all ranks is not finite.
  void check_divergence(int64_t step, double loss, double grad_norm) const;
  // The same before a checkpoint or the end, for the steps since the last progress line.
  void check_unlogged_steps(int64_t step, const Interval& interval);
  bool validation_due(int64_t step) const;
  // Validates and tracks the best model (saved on improvement); `elapsed`: seconds since the start.
  Validation validate(int64_t step, double elapsed);
  void log_validation(int64_t step, const Validation& v, bool improved, double elapsed,
                      double validation_s);
  RootClock read_root_clock(double elapsed) const;
  // The limit (steps, epochs, time) reached after `step`, if any.
  std::optional<StopReason> limit_reached(int64_t step, const RootClock& clock) const;
  // After the last step: the final validation, checkpoint wait, final model, the end line.
  // This rank's memory and time since its process started, in its log and metrics.rank<r>.jsonl.
  void record_memory(int64_t step, const char* when);
  TrainResult finish(int64_t step, StopReason reason, bool validated_last_step);
  double progress(int64_t step, double elapsed) const;
  void synchronise_start();
  std::vector<FlatBuffer> flat_buffers() const;
  // `validation`: this step's, recorded in the manifest and offered to the keep-best tracker.
  void write_checkpoint(int64_t step, bool async, const std::optional<Validation>& validation);
  // Everything a checkpoint holds besides the flat buffers and the run's identity.
  void describe_state(StateVisitor& v);

  TrainingTask& task_;
  ParameterStore& params_;
  Optimizer& optimizer_;
  LrSchedule& schedule_;
  Communicator& comm_;
  TrainerOptions options_;
  TrainerOutputs outputs_;
  GradientReducer reducer_;
  std::unique_ptr<CheckpointWriter> writer_;
  // f64 (1) on the parameters' device: the first step whose gradient norm was not finite, 0 while
  // there is none. The optimiser's update is gated on it there; the host reads it at progress
  // lines, checkpoints and the end.
  Tensor diverged_at_;
  // f64 (1) on the parameters' device: the steps whose gradients clipping scaled, in this process
  // (the same on every rank); read at progress lines and the end.
  Tensor clipped_steps_;
  double clipped_reported_ = 0;    // clipped_steps_ at the last progress line
  int64_t skipped_steps_ = 0;      // training.nonfinite: skip, over the whole run
  int64_t consecutive_skips_ = 0;  // ending at the last step
  // Test seams read from the environment: RECUR_TEST_NAN_GRADIENT=STEP[-LAST]@RANK puts a NaN
  // into that rank's gradients before the all-reduce of those steps; RECUR_TEST_DROP_UPDATE=STEP
  // drops that step's update as a skip would (the reference of the skip test).
  int64_t nan_gradient_steps_[2] = {0, -1};
  int64_t nan_gradient_rank_ = -1, drop_update_step_ = 0;
  int64_t first_step_ = 1;
  std::chrono::steady_clock::time_point start_, last_checkpoint_;
  BestTracker best_model_;       // by Validation::metric()
  Validation best_validation_;   // the validation best_model_ tracks
  BestTracker best_checkpoint_;  // by options_.checkpoint.keep_best
  int64_t validations_without_improvement_ = 0;
  double validation_s_ = 0;        // spent validating, so far
  double checkpoint_stall_s_ = 0;  // waiting for the snapshot of an asynchronous checkpoint
};

}  // namespace recur
