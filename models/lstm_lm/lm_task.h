// Truncated-BPTT training of the language model: B parallel streams, windows of bptt steps, the
// final state of each stream carried (detached) into the next window and reset where a document
// starts. Ranks take disjoint ranges of the B global streams.
#pragma once

#include <memory>

#include "data/token_streams.h"
#include "dist/communicator.h"
#include "lstm_lm/lm_data.h"
#include "lstm_lm/lstm_lm.h"
#include "train/task.h"
#include "train/tbptt.h"
#include "train/train_config.h"

namespace recur {

class LmTask final : public TrainingTask {
 public:
  LmTask(const LstmLm& model, const LmData& data, const TrainingConfig& training,
         const ValidationConfig& validation, const Communicator& comm, DType dtype);

  LossTotals train_step(int64_t step) override;
  double epochs_done() const override { return schedule_.epochs_done(); }
  double lr_scale() const override { return lr_scale_; }
  bool has_validation() const override { return data_.valid.size() > 0; }
  LossTotals validate() override;

  // Stateful evaluation of this rank's share of `streams` streams over a whole sequence.
  LossTotals evaluate(const TokenSequence& sequence, int64_t streams) const;

  // The carried state (per layer) and data position: what exact resumption needs.
  const RnnState& carried_state() const { return state_; }
  const TbpttSchedule& schedule() const { return schedule_; }

 private:
  const LstmLm& model_;
  const LmData& data_;
  TrainingConfig training_;
  ValidationConfig validation_;
  int rank_;
  int world_size_;
  DType dtype_;
  TokenStreams streams_;
  TbpttSchedule schedule_;
  RnnState state_;
  double lr_scale_ = 1.0;
};

// Streams [first, first + count) of `total` that rank `rank` of `world` takes.
struct StreamRange {
  int64_t first = 0, count = 0;
};
StreamRange stream_range(int64_t total, int rank, int world);

// Stateful evaluation: `streams` streams cut from the sequence, windows of `bptt` steps, the state
// carried from window to window; this process computes the streams of `range`.
LossTotals evaluate_lm(const LstmLm& model, const TokenSequence& sequence, int64_t streams,
                       int64_t bptt, const StreamRange& range, DType dtype);

}  // namespace recur
