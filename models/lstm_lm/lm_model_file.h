// Saving and loading a language model with everything needed to use it: config and vocabulary.
#pragma once

#include <memory>
#include <string>

#include "checkpoint/checkpoint.h"
#include "checkpoint/model_file.h"
#include "data/vocab.h"
#include "experiment.h"
#include "lstm_lm/lstm_lm.h"

namespace recur {

struct LoadedLm {
  ExperimentConfig config;
  Vocab vocab;
  ParameterStore store;
  std::unique_ptr<LstmLm> model;
  ModelFileInfo info;
};

// A model file, or a run directory (its model.best.h5 if there is one, else model.h5).
std::string resolve_model_path(const std::string& path);

// What a model file or a checkpoint directory holds about its model.
struct ModelSource {
  ModelFileInfo info;
  std::map<std::string, Tensor> params;
};
// `path`: a model file, a run directory (see resolve_model_path) or a checkpoint directory.
ModelSource read_model_source(const std::string& path);
Vocab vocab_of(const ModelFileInfo& info);

std::unique_ptr<LoadedLm> load_lm(const std::string& path);
void save_lm(const std::string& path, ExperimentConfig& config, const Vocab& vocab,
             ParameterStore& store, int64_t step);

// recur's version and git hash, as written into run directories and model files.
std::string recur_version_text();

// What every checkpoint of a language-model run carries about it: config, vocabulary, version.
TrainingState lm_identity(ExperimentConfig& config, const Vocab& vocab);

}  // namespace recur
