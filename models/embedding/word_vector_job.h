// Word vectors' part of a training run (see training_run.h): the language model's data, a
// WordVectorTask, and the test loss at the end.
#pragma once

#include <memory>

#include "embedding/word_vector_model.h"
#include "language/language_data_job.h"

namespace recur {

class WordVectorJob final : public LanguageDataJob {
 public:
  void build(ParameterStore& store) override;
  std::unique_ptr<TrainingTask> task(const ExperimentConfig& config, Communicator& comm) override;
  Figures evaluate_test(const ExperimentConfig& config, Communicator& comm,
                        TrainingTask& task) override;
  bool shows_bits_per_char() const override { return false; }
  std::vector<PretrainedEmbedding> pretrained_embeddings() const override { return {}; }

 private:
  std::unique_ptr<WordVectorModel> model_;
};

}  // namespace recur
