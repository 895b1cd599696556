#include "language/language_model_file.h"

#include "checkpoint/model_file.h"
#include "language/language_family.h"

namespace recur {

std::unique_ptr<LanguageModel> make_language_model(const ExperimentConfig& config,
                                                   int64_t vocab_size, ParameterStore& store) {
  const ModelType& type = config.model_type();
  RECUR_CHECK(type.family->name == kLanguageFamily, type.name, " is not a language model");
  return model_as<LanguageModel>(type.build(config, {vocab_size, vocab_size}, store));
}

std::unique_ptr<LoadedLanguageModel> load_language_model(const std::string& path, Device device) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.model_type;
  RECUR_CHECK(in_family(type, kLanguageFamily), path, " holds a ", type,
              " model, not a language model");
  auto lm = std::make_unique<LoadedLanguageModel>();
  lm->config = config_of(source, path);
  lm->vocab = vocab_of(source.identity);
  lm->model = make_language_model(lm->config, lm->vocab.size(), lm->store);
  lm->store.materialize(DType::F32, 0, device);
  assign_parameters(source.params, lm->store, path);
  return lm;
}

}  // namespace recur
