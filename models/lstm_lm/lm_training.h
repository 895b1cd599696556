// Training a language model from an experiment config: the run directory, data, model, optimiser,
// schedule and the training loop, wired together.
#pragma once

#include "dist/communicator.h"
#include "experiment.h"
#include "train/trainer.h"

namespace recur {

struct RunOptions {
  bool overwrite = false;  // reuse a run directory that already holds a trained model
};

TrainResult train_lm(ExperimentConfig& config, Communicator& comm, const RunOptions& options);

}  // namespace recur
