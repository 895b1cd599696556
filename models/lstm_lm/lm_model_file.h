// A trained language model, loaded with everything needed to use it: config and vocabulary.
#pragma once

#include <memory>
#include <string>

#include "lstm_lm/lstm_lm.h"
#include "model_io.h"

namespace recur {

struct LoadedLm {
  ExperimentConfig config;
  Vocab vocab;
  ParameterStore store;
  std::unique_ptr<LstmLm> model;
};

// `path`: a model file, a run directory or a checkpoint directory.
std::unique_ptr<LoadedLm> load_lm(const std::string& path);

}  // namespace recur
