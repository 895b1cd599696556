// A training run from an experiment config: run directory, resume or initialisation, data,
// model, optimiser, schedule, checkpoints and the training loop. What differs between model
// families is a ModelJob.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/vocab.h"
#include "dist/communicator.h"
#include "experiment.h"
#include "train/trainer.h"

namespace recur {

struct RunOptions {
  bool overwrite = false;  // reuse a run directory that already holds a trained model
  std::string resume;      // "auto" (the newest good checkpoint, if any) or a checkpoint directory
  std::string init_from;   // a model file, run or checkpoint whose weights start a new run
  Device device;           // where this rank trains (see gpu::select_device)
};

class ModelJob {
 public:
  virtual ~ModelJob() = default;
  // Reads the data: rank 0 prepares it (docs/data-format.md) while the others wait, then every
  // rank maps it. The vocabularies come from `identity` when given (a resumed or initialised
  // run), else from the prepared data or the training text.
  virtual void prepare(const ExperimentConfig& config, Communicator& comm,
                       const std::filesystem::path& run_dir, const RunIdentity* identity) = 0;
  // `recur prepare`: writes the prepared form of the data (docs/data-format.md) with every rank
  // of `comm` tokenising a part, checking the content hashes of what is there when `verify`;
  // returns what it did (on rank 0).
  virtual std::string prepare_data(const ExperimentConfig& config,
                                   const std::filesystem::path& run_dir, bool verify,
                                   Communicator& comm) = 0;
  // Declares the model's parameters.
  virtual void build(ParameterStore& store) = 0;
  virtual std::unique_ptr<TrainingTask> task(const ExperimentConfig& config,
                                             Communicator& comm) = 0;
  // What model files and checkpoints carry about the run.
  virtual RunIdentity identity(ExperimentConfig& config) const = 0;
  // After training (not after a stop signal): the test evaluation, logged and returned as named
  // figures for metrics.jsonl (none without test data).
  using Figures = std::vector<std::pair<std::string, double>>;
  virtual Figures evaluate_test(const ExperimentConfig& config, Communicator& comm,
                                TrainingTask& task) = 0;
  // Progress lines show the loss in bits per character too (a model of characters).
  virtual bool shows_bits_per_char() const = 0;

  // An embedding table that a fresh run starts from word vectors (model.pretrained_embeddings
  // and the like).
  struct PretrainedEmbedding {
    std::string parameter;  // its path in the store
    const Vocab* vocab;     // its rows' tokens
    std::string file;
  };
  // The ones the config asks for (after prepare()).
  virtual std::vector<PretrainedEmbedding> pretrained_embeddings() const = 0;
};

// The job of config.model_type()'s family.
std::unique_ptr<ModelJob> make_job(const ExperimentConfig& config);

TrainResult run_training(ExperimentConfig& config, Communicator& comm, const RunOptions& options);

}  // namespace recur
