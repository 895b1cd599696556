// Training of a language model on B parallel streams in windows of bptt steps. A recurrent model
// carries the final state of each stream (detached) into the next window (truncated BPTT) and
// resets it where a document starts; a transformer reads each window on its own. Ranks take
// disjoint ranges of the B global streams; with gradient accumulation a rank runs its streams in
// `training.accumulate` micro-batches.
#pragma once

#include "data/token_streams.h"
#include "dist/communicator.h"
#include "language/language_model.h"
#include "language/language_model_data.h"
#include "train/task.h"
#include "train/tbptt.h"
#include "train/train_config.h"

namespace recur {

// Streams [first, first + count) of `total` that rank `rank` of `world` takes.
struct StreamRange {
  int64_t first = 0, count = 0;
};
// Part `index` of `total` streams cut into `parts`; throws Error naming `what` and `parts_name`
// when they do not divide.
StreamRange stream_range(int64_t total, int64_t index, int64_t parts, const char* what,
                         const char* parts_name);

// The hash of the training text in a checkpoint's data section: restoring checks that the text is
// the same.
void describe_training_text(StateVisitor& v, const LanguageModelData& data);

class LanguageModelTask final : public TrainingTask {
 public:
  LanguageModelTask(const LanguageModel& model, const LanguageModelData& data,
                    const TrainingConfig& training, const ValidationConfig& validation,
                    Communicator& comm, DType dtype);

  StepLoss train_step(int64_t step, GradientSync& sync) override;
  double epochs_done() const override { return schedule_.epochs_done(); }
  double lr_scale() const override { return lr_scale_; }
  Shard shard() const override { return {mine_.first, mine_.count}; }
  uint64_t take_batch_digest() override { return digest_.take(); }
  bool has_validation() const override { return data_.valid.size() > 0; }
  Validation validate() override;
  void describe_state(StateVisitor& v) override;

  // Evaluation of this rank's share of `streams` streams over a whole sequence, in windows of
  // validation.bptt (or training.bptt) tokens: stateful, or with the state reset in every window.
  LossTotals evaluate(const TokenSequence& sequence, int64_t streams,
                      bool reset_each_window = false) const;

  const TbpttSchedule& schedule() const { return schedule_; }

 private:
  // This rank's carried state of layer `layer` (h or c), all micro-batches in stream order.
  Tensor local_state(size_t layer, bool cell) const;
  // The carried h (or c) of layer `layer` for every global stream: saving gathers the ranks'
  // ranges, restoring takes this rank's range.
  void describe_carried_state(StateVisitor& v, size_t layer, bool cell);
  void restore_local_state(const Tensor& all, size_t layer, bool cell);

  const LanguageModel& model_;
  const LanguageModelData& data_;
  TrainingConfig training_;
  ValidationConfig validation_;
  Communicator& comm_;
  DType dtype_;
  TokenStreams streams_;
  StreamRange mine_;  // this rank's streams
  BatchDigest digest_;
  TbpttSchedule schedule_;
  std::vector<RnnState> states_;  // carried state of each micro-batch
  double lr_scale_ = 1.0;
};

// Evaluation: `streams` streams cut from the sequence, non-overlapping windows of `bptt` steps, the
// state carried from window to window or (reset_each_window) started afresh in each, as a model
// without state always does; this process computes the streams of `range`.
LossTotals evaluate_language_model(const LanguageModel& model, const TokenSequence& sequence,
                                   int64_t streams, int64_t bptt, const StreamRange& range,
                                   DType dtype, bool reset_each_window = false);

}  // namespace recur
