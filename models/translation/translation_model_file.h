// Translation models (the model types of the translation family): built from a config, or loaded
// trained with their config, tokenisers and vocabularies.
#pragma once

#include <memory>
#include <string>

#include "model_io.h"
#include "translation/translation_data.h"
#include "translation/translation_model.h"

namespace recur {

// The model of config.model_type() (a translation model type), its parameters declared in `store`.
std::unique_ptr<TranslationModel> make_translation_model(const ExperimentConfig& config,
                                                         int64_t source_vocab, int64_t target_vocab,
                                                         ParameterStore& store);

struct LoadedTranslationModel {
  ExperimentConfig config;
  TranslationData vocabularies;  // tokenisers and vocabularies (no corpus)
  ParameterStore store;
  std::unique_ptr<TranslationModel> model;
};

// `path`: a model file, a run directory or a checkpoint directory; the parameters go to `device`.
std::unique_ptr<LoadedTranslationModel> load_translation_model(const std::string& path,
                                                               Device device = Device::cpu());

}  // namespace recur
