#include "lstm_lm/lstm_lm_type.h"

#include "lstm_lm/lstm_lm.h"

namespace recur {

ConfigSection lstm_lm_section() {
  return ConfigSection::of<LstmLmConfig>();
}

std::unique_ptr<Model> build_lstm_lm(const ExperimentConfig& config, VocabSizes vocab,
                                     ParameterStore& store) {
  return std::make_unique<LstmLm>(config.model.as<LstmLmConfig>(), vocab.output, store);
}

}  // namespace recur
