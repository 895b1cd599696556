// Training a question-answering model: global batches of training.batch_size questions, drawn
// from a permutation of the training questions made anew each epoch from (seed, epoch); ranks take
// disjoint parts of each batch (and micro-batches of those). The position follows from the step,
// so a checkpoint needs no data position. Validation: loss and accuracy.
#pragma once

#include "dist/communicator.h"
#include "qa/qa_data.h"
#include "qa/qa_model.h"
#include "train/task.h"
#include "train/train_config.h"

namespace recur {

// Questions answered right and asked, added over ranks.
struct QaAccuracy {
  double correct = 0, total = 0;
  double percent() const { return total > 0 ? 100.0 * correct / total : 0.0; }
};

// The loss totals of this rank's share of `split` (every world-th question from `rank`) and the
// accuracy of all ranks (an all-reduce: every rank calls it).
struct QaScores {
  LossTotals loss;
  QaAccuracy accuracy;
};
QaScores score_qa(const QaModel& model, const QaSplit& split, int64_t batch_size,
                  Communicator& comm);

class QaTask final : public TrainingTask {
 public:
  QaTask(const QaModel& model, const QaData& data, const TrainingConfig& training,
         const ValidationConfig& validation, Communicator& comm);

  StepLoss train_step(int64_t step, GradientSync& sync) override;
  double epochs_done() const override;
  Shard shard() const override { return shard_; }
  uint64_t take_batch_digest() override { return digest_.take(); }
  bool has_validation() const override { return data_.valid.size() > 0; }
  Validation validate() override;
  void describe_state(StateVisitor& v) override;

 private:
  // The training questions of `step`'s global batch.
  std::vector<int64_t> batch_of(int64_t step);

  const QaModel& model_;
  const QaData& data_;
  TrainingConfig training_;
  ValidationConfig validation_;
  Communicator& comm_;
  int64_t steps_per_epoch_;
  Shard shard_;
  BatchDigest digest_;
  int64_t order_epoch_ = -1;
  std::vector<int64_t> order_;  // the permutation of order_epoch_
  int64_t last_step_ = 0;
};

}  // namespace recur
