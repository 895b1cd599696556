// A translation model's part of a training run (see training_run.h), for every translation model
// type.
#pragma once

#include <memory>
#include <optional>

#include "training_run.h"
#include "translation/translation_data.h"
#include "translation/translation_model.h"

namespace recur {

class TranslationJob final : public ModelJob {
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
  bool shows_bits_per_char() const override { return false; }
  std::vector<PretrainedEmbedding> pretrained_embeddings() const override;

 private:
  std::optional<TranslationData> data_;
  std::optional<ExperimentConfig> config_;
  std::unique_ptr<TranslationModel> model_;
};

}  // namespace recur
