// The part of a training run that every family reading one text (LanguageModelDataConfig) shares:
// preparing and mapping the token stores, the vocabulary in run files and checkpoints.
#pragma once

#include <optional>

#include "language/language_model_data.h"
#include "training_run.h"

namespace recur {

class LanguageDataJob : public ModelJob {
 public:
  void prepare(const ExperimentConfig& config, Communicator& comm,
               const std::filesystem::path& run_dir, const RunIdentity* identity) override;
  std::string prepare_data(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                           bool verify, Communicator& comm) override;
  RunIdentity identity(ExperimentConfig& config) const override;

 protected:
  std::optional<LanguageModelData> data_;
  std::optional<ExperimentConfig> config_;
};

}  // namespace recur
