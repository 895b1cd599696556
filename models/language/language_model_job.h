// A language model's part of a training run (see training_run.h), for every language model type.
#pragma once

#include <memory>

#include "language/language_data_job.h"
#include "language/language_model.h"

namespace recur {

class LanguageModelJob final : public LanguageDataJob {
 public:
  void build(ParameterStore& store) override;
  std::unique_ptr<TrainingTask> task(const ExperimentConfig& config, Communicator& comm) override;
  Figures evaluate_test(const ExperimentConfig& config, Communicator& comm,
                        TrainingTask& task) override;
  bool shows_bits_per_char() const override;
  std::vector<PretrainedEmbedding> pretrained_embeddings() const override;

 private:
  std::unique_ptr<LanguageModel> model_;
};

}  // namespace recur
