// Truncated-BPTT training of the language model: B parallel streams, windows of bptt steps, the
// final state of each stream carried (detached) into the next window and reset where a document
// starts. Ranks take disjoint ranges of the B global streams; with gradient accumulation a rank
// runs its streams in `training.accumulate` micro-batches.
#pragma once

#include "data/token_streams.h"
#include "dist/communicator.h"
#include "lstm_lm/lm_data.h"
#include "lstm_lm/lstm_lm.h"
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

class LmTask final : public TrainingTask {
 public:
  LmTask(const LstmLm& model, const LmData& data, const TrainingConfig& training,
         const ValidationConfig& validation, Communicator& comm, DType dtype);

  LossTotals train_step(int64_t step, GradientSync& sync) override;
  double epochs_done() const override { return schedule_.epochs_done(); }
  double lr_scale() const override { return lr_scale_; }
  Shard shard() const override { return {mine_.first, mine_.count}; }
  bool has_validation() const override { return data_.valid.size() > 0; }
  Validation validate() override;
  void save_state(TrainingState& state) const override;
  void restore_state(const TrainingState& state) override;

  // Stateful evaluation of this rank's share of `streams` streams over a whole sequence.
  LossTotals evaluate(const TokenSequence& sequence, int64_t streams) const;

  const TbpttSchedule& schedule() const { return schedule_; }

 private:
  // This rank's carried state of layer `layer` (h or c), all micro-batches in stream order.
  Tensor local_state(size_t layer, bool cell) const;

  const LstmLm& model_;
  const LmData& data_;
  TrainingConfig training_;
  ValidationConfig validation_;
  Communicator& comm_;
  DType dtype_;
  TokenStreams streams_;
  StreamRange mine_;  // this rank's streams
  TbpttSchedule schedule_;
  std::vector<RnnState> states_;  // carried state of each micro-batch
  double lr_scale_ = 1.0;
};

// Stateful evaluation: `streams` streams cut from the sequence, windows of `bptt` steps, the state
// carried from window to window; this process computes the streams of `range`.
LossTotals evaluate_lm(const LstmLm& model, const TokenSequence& sequence, int64_t streams,
                       int64_t bptt, const StreamRange& range, DType dtype);

}  // namespace recur
