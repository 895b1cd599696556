// Language models (the model types of the language family): built from a config, or loaded
// trained with everything needed to use them (config and vocabulary).
#pragma once

#include <memory>
#include <string>

#include "language/language_model.h"
#include "model_io.h"

namespace recur {

// The model of config.model_type() (a language model type), its parameters declared in `store`.
std::unique_ptr<LanguageModel> make_language_model(const ExperimentConfig& config,
                                                   int64_t vocab_size, ParameterStore& store);

struct LoadedLanguageModel {
  ExperimentConfig config;
  Vocab vocab;
  ParameterStore store;
  std::unique_ptr<LanguageModel> model;
};

// `path`: a model file, a run directory or a checkpoint directory; the parameters go to `device`.
std::unique_ptr<LoadedLanguageModel> load_language_model(const std::string& path,
                                                         Device device = Device::cpu());

}  // namespace recur
