// Training of word vectors on one text cut into B streams, as a language model's text
// is (data/token_streams.h): step s takes the word at position (s - 1) mod L of every stream as a
// centre, L = tokens / B, so a global batch holds B centres spread over the whole text. Ranks take
// disjoint ranges of the streams; every draw is keyed by text position and epoch
// (embedding/context_sampler.h), so N ranks reproduce 1 rank and the position follows from the step
// alone: a checkpoint needs no data position.
#pragma once

#include "dist/communicator.h"
#include "embedding/word_vector_model.h"
#include "language/language_model_data.h"
#include "language/language_model_task.h"
#include "train/task.h"
#include "train/train_config.h"

namespace recur {

class WordVectorTask final : public TrainingTask {
 public:
  WordVectorTask(const WordVectorModel& model, const LanguageModelData& data,
                 const TrainingConfig& training, Communicator& comm, DType dtype);

  StepLoss train_step(int64_t step, GradientSync& sync) override;
  double epochs_done() const override;
  Shard shard() const override { return {mine_.first, mine_.count}; }
  uint64_t take_batch_digest() override { return digest_.take(); }
  bool has_validation() const override { return data_.valid.size() > 0; }
  Validation validate() override;
  void describe_state(StateVisitor& v) override;

  // This rank's totals over its share of every centre of `text` (validation, test), in batches of
  // training.batch_size centres: the loss of draws keyed by epoch 0, the same at every evaluation.
  LossTotals evaluate(const TokenSequence& text) const;

 private:
  // The text indices of the centres of streams [first, first + count) at step `step`.
  std::vector<int64_t> centres_at(int64_t step, int64_t first, int64_t count) const;

  const WordVectorModel& model_;
  const LanguageModelData& data_;
  TrainingConfig training_;
  Communicator& comm_;
  DType dtype_;
  ContextSampler sampler_;
  int64_t stream_length_;  // L: tokens per stream
  StreamRange mine_;       // this rank's streams
  BatchDigest digest_;
  int64_t last_step_ = 0;
};

}  // namespace recur
