// The language model's part of a training run (see training_run.h).
#pragma once

#include <memory>
#include <optional>

#include "lstm_lm/lm_data.h"
#include "lstm_lm/lstm_lm.h"
#include "training_run.h"

namespace recur {

class LmJob final : public ModelJob {
 public:
  void prepare(const ExperimentConfig& config, Communicator& comm,
               const std::filesystem::path& run_dir, const TrainingState* identity) override;
  void build(ParameterStore& store) override;
  std::unique_ptr<TrainingTask> task(const ExperimentConfig& config, Communicator& comm) override;
  TrainingState identity(ExperimentConfig& config) const override;
  void evaluate_test(const ExperimentConfig& config, Communicator& comm,
                     TrainingTask& task) override;

 private:
  std::optional<LmData> data_;
  std::optional<LstmLmConfig> config_;
  std::unique_ptr<LstmLm> model_;
};

}  // namespace recur
