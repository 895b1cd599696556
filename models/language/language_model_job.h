// A language model's part of a training run (see training_run.h), for every language model type.
#pragma once

#include <memory>
#include <optional>

#include "language/language_model.h"
#include "language/language_model_data.h"
#include "training_run.h"

namespace recur {

class LanguageModelJob final : public ModelJob {
 public:
  void prepare(const ExperimentConfig& config, Communicator& comm,
               const std::filesystem::path& run_dir, const RunIdentity* identity) override;
  std::string prepare_data(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                           bool verify, Communicator& comm) override;
  void build(ParameterStore& store) override;
  std::unique_ptr<TrainingTask> task(const ExperimentConfig& config, Communicator& comm) override;
  RunIdentity identity(ExperimentConfig& config) const override;
  Figures evaluate_test(const ExperimentConfig& config, Communicator& comm,
                        TrainingTask& task) override;
  bool shows_bits_per_char() const override;
  std::vector<PretrainedEmbedding> pretrained_embeddings() const override;

 private:
  std::optional<LanguageModelData> data_;
  std::optional<ExperimentConfig> config_;
  std::unique_ptr<LanguageModel> model_;
};

}  // namespace recur
