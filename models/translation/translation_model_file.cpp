#include "translation/translation_model_file.h"

#include "checkpoint/model_file.h"
#include "seq2seq/seq2seq.h"
#include "transformer/transformer.h"

namespace recur {

std::unique_ptr<TranslationModel> make_translation_model(const ExperimentConfig& config,
                                                         int64_t source_vocab, int64_t target_vocab,
                                                         ParameterStore& store) {
  RECUR_CHECK(is_translation_model(config.model_type), model_type_name(config.model_type),
              " is not a translation model");
  if (config.model_type == ModelType::Transformer) {
    return std::make_unique<Transformer>(config.transformer, source_vocab, target_vocab, store);
  }
  return std::make_unique<Seq2Seq>(config.seq2seq, source_vocab, target_vocab, store);
}

std::unique_ptr<LoadedTranslationModel> load_translation_model(const std::string& path,
                                                               Device device) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.texts.at("model_type");
  RECUR_CHECK(type == "seq2seq" || type == "transformer", path, " holds a ", type,
              " model, not a translation model");
  auto loaded = std::make_unique<LoadedTranslationModel>();
  loaded->config = config_of(source, path);
  loaded->vocabularies = TranslationData::from_identity(source.identity);
  loaded->model = make_translation_model(loaded->config, loaded->vocabularies.source_vocab.size(),
                                         loaded->vocabularies.target_vocab.size(), loaded->store);
  loaded->store.materialize(DType::F32, 0, device);
  assign_parameters(source.params, loaded->store, path);
  return loaded;
}

std::string model_type_of(const std::string& path) {
  if (is_checkpoint(path)) return read_training_state(path).texts.at("model_type");
  return read_model_file_info(resolve_model_path(path)).model_type;
}

}  // namespace recur
