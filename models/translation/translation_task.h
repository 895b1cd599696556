// Training a translation model: token-bucketed global batches split across ranks (and
// micro-batches), teacher forcing, loss normalised by the global number of target tokens;
// validation by loss and BLEU.
#pragma once

#include "data/scoring.h"
#include "dist/communicator.h"
#include "experiment.h"
#include "train/task.h"
#include "translation/translation_data.h"
#include "translation/translation_model.h"
#include "translation/translator.h"

namespace recur {

// Loss totals of the part of every batch of `split` (batches of about batch_tokens) that rank
// `rank` of `world` computes.
LossTotals translation_loss(const TranslationModel& model, const ParallelData& split,
                            int64_t batch_tokens, int rank, int world);

class TranslationTask final : public TrainingTask {
 public:
  TranslationTask(const TranslationModel& model, const TranslationData& data,
                  const ExperimentConfig& config, Communicator& comm);

  StepLoss train_step(int64_t step, GradientSync& sync) override;
  double epochs_done() const override;
  Shard shard() const override { return shard_; }
  uint64_t take_batch_digest() override { return digest_.take(); }
  bool has_validation() const override { return data_.valid.size() > 0; }
  Validation validate() override;
  void describe_state(StateVisitor& v) override;

  // This rank's loss totals over a split (its share of every batch).
  LossTotals loss(const ParallelData& split) const;
  // BLEU and chrF of the first `sentences` of a split (0: all), every rank translating its share;
  // the statistics of all ranks add up.
  struct Scores {
    double bleu = 0, chrf = 0;
  };
  Scores scores(const ParallelData& split, const std::vector<std::string>& references,
                int64_t sentences, const SearchOptions& options) const;

 private:
  const TranslationModel& model_;
  const TranslationData& data_;
  ExperimentConfig config_;
  Communicator& comm_;
  TokenBatcher batcher_;
  int64_t epoch_ = 0, next_batch_ = 0;
  Shard shard_;
  BatchDigest digest_;
};

}  // namespace recur
