#include "language/language_model_file.h"

#include "checkpoint/model_file.h"
#include "lstm_lm/lstm_lm.h"
#include "transformer/transformer_lm.h"

namespace recur {

std::unique_ptr<LanguageModel> make_language_model(const ExperimentConfig& config,
                                                   int64_t vocab_size, ParameterStore& store) {
  RECUR_CHECK(!is_translation_model(config.model_type), model_type_name(config.model_type),
              " is not a language model");
  if (config.model_type == ModelType::TransformerLm) {
    return std::make_unique<TransformerLm>(config.transformer, vocab_size, config.training.bptt,
                                           store);
  }
  return std::make_unique<LstmLm>(config.lstm_lm, vocab_size, store);
}

std::unique_ptr<LoadedLanguageModel> load_language_model(const std::string& path, Device device) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.texts.at("model_type");
  RECUR_CHECK(type == "lstm_lm" || type == "transformer_lm", path, " holds a ", type,
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
