// Training a language model from an experiment config: the run directory, data, model, optimiser,
// schedule, checkpoints and the training loop, wired together.
#pragma once

#include "dist/communicator.h"
#include "experiment.h"
#include "train/trainer.h"

namespace recur {

struct RunOptions {
  bool overwrite = false;  // reuse a run directory that already holds a trained model
  std::string resume;      // "auto" (the newest good checkpoint, if any) or a checkpoint directory
  std::string init_from;   // a model file, run or checkpoint whose weights start a new run
};

TrainResult train_lm(ExperimentConfig& config, Communicator& comm, const RunOptions& options);

}  // namespace recur
