#include "translation/translation_model_file.h"

#include "checkpoint/model_file.h"
#include "translation/translation_family.h"

namespace recur {

std::unique_ptr<TranslationModel> make_translation_model(const ExperimentConfig& config,
                                                         int64_t source_vocab, int64_t target_vocab,
                                                         ParameterStore& store) {
  const ModelType& type = config.model_type();
  RECUR_CHECK(type.family->name == kTranslationFamily, type.name, " is not a translation model");
  return model_as<TranslationModel>(type.build(config, {source_vocab, target_vocab}, store));
}

std::unique_ptr<LoadedTranslationModel> load_translation_model(const std::string& path,
                                                               Device device) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.model_type;
  RECUR_CHECK(in_family(type, kTranslationFamily), path, " holds a ", type,
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

}  // namespace recur
