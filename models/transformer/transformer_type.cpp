#include "transformer/transformer_type.h"

#include "transformer/transformer.h"
#include "transformer/transformer_lm.h"
#include "translation/translation_data.h"

namespace recur {

namespace {

void check_shared_embeddings(const TransformerConfig& model, const ExperimentConfig& config,
                             ConfigChecker& c) {
  c.require(!model.share_embeddings || config.data.as<TranslationDataConfig>().joint_vocab,
            "model.share_embeddings",
            "shared embeddings need one vocabulary for both sides: set data.joint_vocab: true");
}

// The language model reads windows of exactly training.bptt tokens.
void check_windows(const TransformerConfig& model, const ExperimentConfig& config,
                   ConfigChecker& c) {
  const TrainingConfig& training = config.training;
  c.require(config.validation.bptt <= training.bptt, "validation.bptt",
            "a transformer_lm reads windows of at most training.bptt tokens");
  c.require(!training.variable_bptt, "training.variable_bptt",
            "a transformer_lm reads windows of exactly training.bptt tokens");
  c.require(model.positions != PositionType::Learned || model.max_positions >= training.bptt,
            "model.max_positions", "learned positions need max_positions >= training.bptt");
}

}  // namespace

ConfigSection transformer_section() {
  return ConfigSection::of<TransformerConfig>(check_shared_embeddings);
}

std::unique_ptr<Model> build_transformer(const ExperimentConfig& config, VocabSizes vocab,
                                         ParameterStore& store) {
  return std::make_unique<Transformer>(config.model.as<TransformerConfig>(), vocab.input,
                                       vocab.output, store);
}

ConfigSection transformer_lm_section() {
  return ConfigSection::of<TransformerConfig, &TransformerConfig::describe_language_model>(
      check_windows);
}

std::unique_ptr<Model> build_transformer_lm(const ExperimentConfig& config, VocabSizes vocab,
                                            ParameterStore& store) {
  return std::make_unique<TransformerLm>(config.model.as<TransformerConfig>(), vocab.output,
                                         config.training.bptt, store);
}

}  // namespace recur
