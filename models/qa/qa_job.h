// A question-answering model's part of a training run (see training_run.h): the story files,
// a QaTask, and the test accuracy at the end.
#pragma once

#include <memory>
#include <optional>

#include "qa/qa_data.h"
#include "qa/qa_model.h"
#include "training_run.h"

namespace recur {

class QaJob final : public ModelJob {
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
  std::vector<PretrainedEmbedding> pretrained_embeddings() const override { return {}; }

 private:
  std::optional<QaData> data_;
  std::optional<ExperimentConfig> config_;
  std::unique_ptr<QaModel> model_;
};

}  // namespace recur
